package intake

import "testing"

// FuzzRead: a check (an envelope, or a footprint file) is an error or a check with
// a footprint geometry, never a panic. (It was data's FuzzParseCheckRequest.)
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"project":{"industry":"C2511","type":"industrial","has_outfall":true},"footprint":{"type":"Point","coordinates":[108,34]},"buffer_m":500}`))
	f.Add([]byte(`{"footprint":{"type":"FeatureCollection","features":[]},"crs":"GCJ02"}`))
	f.Add([]byte(`{"footprint":{"type":"Polygon","coordinates":[[[36500000,3800000],[36500100,3800000],[36500100,3800100],[36500000,3800000]]]}}`))
	f.Add([]byte(`{"type":"Feature","project":{"industry":"2511"},"geometry":{"type":"Point","coordinates":[108,34]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Read(b, "footprint.geojson", nil)
		if err == nil && c.Footprint.Geometry == nil {
			t.Fatal("a check without a footprint geometry")
		}
	})
}
