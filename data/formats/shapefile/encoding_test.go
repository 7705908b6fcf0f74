package shapefile

import "testing"

func TestLookupCodec(t *testing.T) {
	for name, want := range map[string]string{
		"GBK": "GBK (CP936)", "gb2312": "GBK (CP936)", "CP936": "GBK (CP936)", "936": "GBK (CP936)", "ANSI 936": "GBK (CP936)",
		" cp_936\r\n": "GBK (CP936)", "GB18030": "GB18030", "UTF-8": "UTF-8", "utf8": "UTF-8", "65001": "UTF-8",
		"1252": "Windows-1252", "ISO-8859-1": "Windows-1252", "windows-1252": "Windows-1252", "Big5": "Big5 (CP950)",
		"klingon": "", "": "",
	} {
		c, ok := lookupCodec(name)
		if ok != (want != "") || c.name != want {
			t.Errorf("lookupCodec(%q) = %q, %v; want %q", name, c.name, ok, want)
		}
	}
	for ldid, want := range map[byte]string{0x4D: "GBK (CP936)", 0x7A: "GBK (CP936)", 0x57: "", 0x00: "", 0x4F: "Big5 (CP950)"} {
		c, ok := codecForLDID(ldid)
		if ok != (want != "") || c.name != want {
			t.Errorf("codecForLDID(0x%02X) = %q, %v; want %q", ldid, c.name, ok, want)
		}
	}
}
