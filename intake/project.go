package intake

import (
	"bytes"
	"unicode/utf8"

	"github.com/redline-gis/redline/data/formats/geojson"
	"github.com/redline-gis/redline/zones"
)

// scanProject reads the common project object — members named exactly as
// zones.Project's JSON tags, each once, with plain strings (no escapes) and
// booleans — straight into p; ok is false for anything else (escapes, null,
// numbers, arrays, a name in another case, a member given twice, text after
// the object), which DecodeProject leaves to encoding/json, whose answer and
// error messages it then gives. What it reads, encoding/json reads the same.
func scanProject(b []byte) (p zones.Project, ok bool) {
	i := geojson.SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return p, false
	}
	i = geojson.SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return p, geojson.SkipSpace(b, i+1) == len(b)
	}
	var seen uint16
	for {
		key, j, ok := plainString(b, i)
		if !ok {
			return p, false
		}
		i = geojson.SkipSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return p, false
		}
		i = geojson.SkipSpace(b, i+1)
		f := projectField(key)
		if f < 0 || seen&(1<<f) != 0 {
			return p, false
		}
		seen |= 1 << f
		if f < firstBoolField {
			raw, j, ok := plainString(b, i)
			if !ok {
				return p, false
			}
			i = j
			s := string(raw)
			switch f {
			case 0:
				p.Name = s
			case 1:
				p.Industry = s
			case 2:
				p.Type = s
			case 3:
				p.Construction = s
			case 4:
				p.ParkPlanningEIA = &s
			}
		} else {
			var v bool
			switch {
			case bytes.HasPrefix(b[i:], []byte("true")):
				v, i = true, i+4
			case bytes.HasPrefix(b[i:], []byte("false")):
				v, i = false, i+5
			default:
				return p, false
			}
			switch f {
			case firstBoolField:
				p.DischargesPollutants = &v
			case firstBoolField + 1:
				p.HasOutfall = &v
			case firstBoolField + 2:
				p.HighEnergy = &v
			case firstBoolField + 3:
				p.NationalMajor = &v
			case firstBoolField + 4:
				p.OriginalResidents = &v
			case firstBoolField + 5:
				p.InIndustrialPark = &v
			}
		}
		i = geojson.SkipSpace(b, i)
		if i >= len(b) {
			return p, false
		}
		switch b[i] {
		case ',':
			i = geojson.SkipSpace(b, i+1)
		case '}':
			return p, geojson.SkipSpace(b, i+1) == len(b)
		default:
			return p, false
		}
	}
}

// projectFields are the JSON names scanProject reads: strings first, then
// booleans from firstBoolField on (approval_refs, a list, is left to
// encoding/json).
var projectFields = [...]string{"name", "industry", "type", "construction", "park_planning_eia",
	"discharges_pollutants", "has_outfall", "high_energy", "national_major", "original_residents", "in_industrial_park"}

const firstBoolField = 5

func projectField(key []byte) int {
	for i, f := range projectFields {
		if string(key) == f {
			return i
		}
	}
	return -1
}

// plainString reads the JSON string at b[i]: ok only for one without escapes
// or control characters, in valid UTF-8 (which encoding/json keeps as it is).
func plainString(b []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s = b[i+1 : j]
			return s, j + 1, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, i, false
		}
	}
	return nil, i, false
}
