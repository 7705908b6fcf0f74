package shapefile

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// codec is a DBF text encoding: enc nil means UTF-8.
type codec struct {
	name string
	enc  encoding.Encoding
}

var (
	codecUTF8    = codec{name: "UTF-8"}
	codecGBK     = codec{name: "GBK (CP936)", enc: simplifiedchinese.GBK}
	codecGB18030 = codec{name: "GB18030", enc: simplifiedchinese.GB18030}
)

// lookupCodec maps an encoding name, as found in .cpg files and manifests, to a
// codec. Names are compared without case, spaces, dashes and underscores.
func lookupCodec(name string) (codec, bool) {
	k := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '\t', '\r', '\n':
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(name)))
	k = strings.TrimPrefix(k, "ANSI")
	k = strings.TrimPrefix(k, "WINDOWS")
	k = strings.TrimPrefix(k, "CP")
	k = strings.TrimPrefix(k, "MS")
	switch k {
	case "UTF8", "65001", "ASCII", "USASCII":
		return codecUTF8, true
	case "GBK", "936", "GB2312", "EUCCN", "GB231280", "CHINESE":
		return codecGBK, true
	case "GB18030", "54936":
		return codecGB18030, true
	case "BIG5", "950":
		return codec{name: "Big5 (CP950)", enc: traditionalchinese.Big5}, true
	case "1252", "LATIN1", "ISO88591", "88591":
		// ISO-8859-1 as Windows-1252, as browsers do: a superset in printable range.
		return codec{name: "Windows-1252", enc: charmap.Windows1252}, true
	case "1250":
		return codec{name: "Windows-1250", enc: charmap.Windows1250}, true
	case "1251":
		return codec{name: "Windows-1251", enc: charmap.Windows1251}, true
	case "437":
		return codec{name: "CP437", enc: charmap.CodePage437}, true
	case "850":
		return codec{name: "CP850", enc: charmap.CodePage850}, true
	case "932", "SHIFTJIS", "SJIS":
		return codec{name: "Shift_JIS (CP932)", enc: japanese.ShiftJIS}, true
	case "949", "EUCKR":
		return codec{name: "EUC-KR (CP949)", enc: korean.EUCKR}, true
	}
	return codec{}, false
}

// codecForLDID maps a DBF language driver id to a codec; false when the byte says
// nothing (0x00, 0x57 "ANSI" = the writer's current code page) or is not known.
func codecForLDID(b byte) (codec, bool) {
	switch b {
	case 0x4D, 0x7A:
		return codecGBK, true
	case 0x4F, 0x78:
		return lookupCodec("950")
	case 0x13, 0x7B:
		return lookupCodec("932")
	case 0x4E, 0x79:
		return lookupCodec("949")
	case 0x01:
		return lookupCodec("437")
	case 0x02:
		return lookupCodec("850")
	case 0x03, 0x58, 0x59:
		return lookupCodec("1252")
	case 0xC8:
		return lookupCodec("1250")
	case 0xC9:
		return lookupCodec("1251")
	}
	return codec{}, false
}

// textDecoder decodes byte strings with one codec; not safe for concurrent use.
type textDecoder struct {
	c   codec
	dec *encoding.Decoder
}

func newTextDecoder(c codec) *textDecoder {
	t := &textDecoder{c: c}
	if c.enc != nil {
		t.dec = c.enc.NewDecoder()
	}
	return t
}

// decode returns b as UTF-8, false when b is not valid in the codec.
func (t *textDecoder) decode(b []byte) (string, bool) {
	if isASCII(b) {
		return string(b), true
	}
	if t.dec == nil {
		return string(b), utf8.Valid(b)
	}
	out, err := t.dec.Bytes(b)
	// x/text decoders replace invalid input with U+FFFD rather than failing.
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", false
	}
	return string(out), true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// decodeGuess decodes b as UTF-8 when it is valid UTF-8, else as GB18030.
func decodeGuess(b []byte) (string, bool) {
	if utf8.Valid(b) {
		return string(b), true
	}
	return newTextDecoder(codecGB18030).decode(b)
}

func trimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }
