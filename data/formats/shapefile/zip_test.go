package shapefile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/redline-gis/redline/errcode"
)

// shapefileMembers is a one-point shapefile as zip members under prefix (a folder
// and base name, e.g. "dir/site").
func shapefileMembers(prefix string, name string) []tMember {
	shp, shx := writeSHP(typePoint, []tShape{{typ: typePoint, parts: [][]orb.Point{{{108, 34}}}}})
	return []tMember{
		{name: prefix + ".shp", data: shp},
		{name: prefix + ".shx", data: shx},
		{name: prefix + ".dbf", data: simpleDBF(name)},
	}
}

func TestReadZip(t *testing.T) {
	gbkName := string(gbk(t, "项目红线/界址"))
	bomb := bytes.Repeat([]byte{0}, 4<<20)
	tests := []struct {
		name     string
		members  []tMember
		opts     Options
		code     errcode.Code
		msg      string // in the error, or in the warnings on success
		wantName string
	}{
		{name: "in a folder", members: shapefileMembers("Export/Site", "one"), wantName: "one"},
		{name: "upper-case extensions", members: append(shapefileMembers("SITE", "one")[:1],
			tMember{name: "SITE.SHX", data: shapefileMembers("x", "")[1].data},
			tMember{name: "site.Dbf", data: simpleDBF("upper")}), wantName: "upper"},
		{name: "GBK member names", members: shapefileMembers(gbkName, "gbk"), wantName: "gbk"},
		{name: "macOS resource forks ignored", members: append([]tMember{
			{name: "__MACOSX/._site.shp", data: []byte("junk")}, {name: "._site.shp", data: []byte("junk")}},
			shapefileMembers("site", "mac")...), wantName: "mac"},
		{name: "several shapefiles: the first, with a warning",
			members: append(shapefileMembers("a/first", "first"), shapefileMembers("b/second", "second")...),
			msg:     "holds 2 shapefiles", wantName: "first"},
		{name: "several shapefiles: the one named",
			members: append(shapefileMembers("a/first", "first"), shapefileMembers("b/second", "second")...),
			opts:    Options{Layer: "SECOND.shp"}, wantName: "second"},
		{name: "named layer absent",
			members: shapefileMembers("a/first", "first"), opts: Options{Layer: "nope"}, code: "invalid_archive", msg: "a/first.shp"},
		{name: "zip-slip", members: append(shapefileMembers("site", "x"), tMember{name: "../../etc/cron.d/x", data: []byte("x")}),
			code: "invalid_archive", msg: "../../etc/cron.d/x"},
		{name: "zip-slip with backslashes", members: append(shapefileMembers("site", "x"), tMember{name: `..\..\x.shp`, data: []byte("x")}),
			code: "invalid_archive", msg: "leaves the archive"},
		{name: "absolute path", members: []tMember{{name: "/tmp/site.shp", data: []byte("x")}}, code: "invalid_archive"},
		{name: "drive letter", members: []tMember{{name: "C:/site.shp", data: []byte("x")}}, code: "invalid_archive"},
		{name: "no shapefile", members: []tMember{{name: "readme.txt", data: []byte("hello")}}, code: "invalid_archive", msg: "no shapefile"},
		{name: "missing .shx", members: []tMember{shapefileMembers("d/site", "")[0], shapefileMembers("d/site", "")[2]},
			code: "invalid_archive", msg: "d/site.shx"},
		{name: "missing .shx named in Chinese", members: []tMember{shapefileMembers(gbkName, "")[0], shapefileMembers(gbkName, "")[2]},
			code: "invalid_archive", msg: "项目红线/界址.shx"},
		{name: "bomb by ratio", members: append(shapefileMembers("site", "x"), tMember{name: "site.txt", data: bomb}),
			code: "payload_too_large", msg: "100:1"},
		{name: "bomb by total", members: shapefileMembers("site", "x"), opts: Options{MaxUncompressed: 300},
			code: "payload_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadZip(writeZip(t, tt.members), tt.opts)
			if tt.code != "" {
				if got := inputCode(err); got != tt.code {
					t.Fatalf("err = %v (code %q), want %s", err, got, tt.code)
				}
				if !strings.Contains(err.Error(), tt.msg) {
					t.Errorf("message %q lacks %q", err, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Features) != 1 || c.Features[0].Properties["NAME"] != tt.wantName {
				t.Errorf("features %v, want one named %q", c.Features, tt.wantName)
			}
			if tt.msg != "" && !hasWarning(c, tt.msg) {
				t.Errorf("warnings %q lack %q", c.Warnings, tt.msg)
			}
		})
	}
}

// A member that declares a small size but inflates to much more is cut off.
func TestReadZipLyingSize(t *testing.T) {
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	shp, _ := writeSHP(typePoint, nil)
	fw.Write(append(shp, bytes.Repeat([]byte{0}, 1<<20)...))
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "site.shp", Method: zip.Deflate,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw.Bytes())
	for _, m := range shapefileMembers("site", "x")[1:] {
		w, _ := zw.Create(m.name)
		w.Write(m.data)
	}
	zw.Close()
	_, err = ReadZip(buf.Bytes(), Options{})
	if inputCode(err) != "payload_too_large" {
		t.Fatalf("err = %v, want payload_too_large", err)
	}
}

func TestReadZipNotZip(t *testing.T) {
	if _, err := ReadZip([]byte("PK\x03\x04 not really"), Options{}); inputCode(err) != "invalid_archive" {
		t.Errorf("err = %v, want invalid_archive", err)
	}
}

func TestReadPathZip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "upload.ZIP")
	if err := os.WriteFile(p, writeZip(t, shapefileMembers("site", "z")), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := ReadPath(p, Options{})
	if err != nil || len(c.Features) != 1 {
		t.Fatalf("ReadPath(.ZIP) = %v, %v", c, err)
	}
}

func TestUnsafeName(t *testing.T) {
	for name, want := range map[string]bool{
		"a/b.shp": false, "a..b/c.shp": false, "..a/b": false, "../a": true, "a/../../b": true,
		"/etc/passwd": true, "C:/x": true, "..": true,
	} {
		if got := unsafeName(name); got != want {
			t.Errorf("unsafeName(%q) = %v, want %v", name, got, want)
		}
	}
}
