package formats

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/redline-gis/redline/errcode"
)

// TestReadFS: a shapefile's sidecars are found in any fs.FS, whatever the case of
// their extensions, and a GeoPackage that is not on disk is read through a copy;
// both give what the same bytes give read otherwise.
func TestReadFS(t *testing.T) {
	zb, err := os.ReadFile(filepath.Join("testdata", "site_4524.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		name := f.Name
		if strings.HasSuffix(name, ".shx") {
			name = strings.TrimSuffix(name, ".shx") + ".SHX"
		}
		fsys["layers/"+name] = &fstest.MapFile{Data: b}
	}
	gb, err := os.ReadFile(filepath.Join("testdata", "site_4545.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	fsys["site_4545.gpkg"] = &fstest.MapFile{Data: gb}

	fromZip := readFixture(t, "site_4524.zip", Options{})
	got, err := ReadFS(fsys, "layers/site_4524.shp", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.CRS == "" || !reflect.DeepEqual(got.Features, fromZip.Features) || got.CRS != fromZip.CRS {
		t.Errorf("shapefile from an fs.FS:\n%+v\nfrom its zip:\n%+v", got, fromZip)
	}
	got, err = ReadFS(fsys, "site_4545.gpkg", Options{})
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := ReadPath(filepath.Join("testdata", "site_4545.gpkg"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Features, onDisk.Features) || got.CRS != onDisk.CRS {
		t.Errorf("GeoPackage from an fs.FS:\n%+v\nfrom disk:\n%+v", got, onDisk)
	}

	// A missing sidecar is named.
	delete(fsys, "layers/site_4524.dbf")
	_, err = ReadFS(fsys, "layers/site_4524.shp", Options{})
	if ie := wantCode(t, err, errcode.InvalidArchive); !strings.Contains(ie.Message, "site_4524.dbf") {
		t.Errorf("missing .dbf: %v", ie)
	}
}

// TestReadPathErrorsNameThePath: files missing on disk are named by their path
// there, not by their name in DirFS.
func TestReadPathErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"absent.geojson", "absent.shp", "absent.gpkg"} {
		_, err := ReadPath(filepath.Join(dir, name), Options{})
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), filepath.Join(dir, name)) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
