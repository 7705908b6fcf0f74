package crs

// CGCS2000WKT is the .prj (Esri WKT1) of CGCS2000 lon/lat, EPSG:4490, as ArcGIS
// writes it: what a shapefile of lon/lat output declares.
const CGCS2000WKT = `GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
