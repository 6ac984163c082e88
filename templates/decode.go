package templates

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// A mail's data is the JSON json.Marshal wrote of the kind's struct when
// the mail was queued. encoding/json decodes it by reflection, twice over
// the bytes (checkValid, then the decoding): most of what rendering a
// mail costs besides its templates. decodeData decodes that JSON as
// json.Marshal writes it — no space, the fields' names as they are,
// strings escaped as it escapes them — into the types json.Marshal
// writes so (structs of exported fields without tags or embedding;
// strings, booleans, signed integers, time.Time, slices and structs of
// them), each field found by its name in a table made once a type. Any
// other JSON or type is decoded by encoding/json, into a new value: what
// it decodes, and its errors, are the mail's.

// decodeData decodes data into a new value of kind k: a pointer to its
// zero data.
func decodeData(k kind, data []byte) (any, error) {
	v := k.new()
	if fastDecoding {
		if plan := planFor(reflect.TypeOf(v).Elem()); plan != nil {
			d := decoder{data: data}
			if d.object(plan, reflect.ValueOf(v).Elem()) && d.i == len(data) {
				return v, nil
			}
			v = k.new()
		}
	}
	return v, json.Unmarshal(data, v)
}

// fastDecoding says whether decodeData decodes what it can itself; tests
// turn it off to compare.
var fastDecoding = true

// structPlan is how a struct type is decoded: its fields by name.
type structPlan struct {
	fields map[string]fieldPlan
}

type fieldPlan struct {
	index int
	dec   func(d *decoder, v reflect.Value) bool
}

// plans are the structPlans made, by type; nil for a type not decoded
// here.
var plans sync.Map // reflect.Type → *structPlan

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	// planning is held while plans are made; plansBeingMade are the
	// struct types whose plans are being made, for a type that holds
	// itself.
	planning       sync.Mutex
	plansBeingMade = map[reflect.Type]bool{}
)

// planFor returns the plan of struct type t, nil when t is not decoded
// here.
func planFor(t reflect.Type) *structPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*structPlan)
	}
	planning.Lock()
	defer planning.Unlock()
	p := makePlan(t)
	plans.Store(t, p)
	return p
}

// makePlan makes the plan of struct type t; nil when a field's type is
// one not decoded here. A struct that holds itself is not decoded here.
func makePlan(t reflect.Type) *structPlan {
	if t.Kind() != reflect.Struct || unmarshals(t) {
		return nil
	}
	if plansBeingMade[t] || t.NumField() > 64 {
		return nil
	}
	p := &structPlan{fields: map[string]fieldPlan{}}
	plansBeingMade[t] = true
	defer delete(plansBeingMade, t)
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous || f.Tag != "" {
			return nil
		}
		if !f.IsExported() {
			continue
		}
		dec := valueDecoder(f.Type)
		if dec == nil {
			return nil
		}
		p.fields[f.Name] = fieldPlan{index: i, dec: dec}
	}
	return p
}

// unmarshals reports whether encoding/json decodes a value of type t by
// a method of its own.
func unmarshals(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler)
}

// valueDecoder returns the decoder of a value of type t, nil when t is
// not decoded here.
func valueDecoder(t reflect.Type) func(d *decoder, v reflect.Value) bool {
	if t == timeType {
		return (*decoder).time
	}
	if unmarshals(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return (*decoder).string
	case reflect.Bool:
		return (*decoder).bool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return (*decoder).int
	case reflect.Struct:
		p := makePlan(t)
		if p == nil {
			return nil
		}
		return func(d *decoder, v reflect.Value) bool { return d.null() || d.object(p, v) }
	case reflect.Slice:
		elem := valueDecoder(t.Elem())
		if elem == nil || t.Elem().Kind() == reflect.Uint8 {
			return nil // encoding/json writes []byte as base64
		}
		return func(d *decoder, v reflect.Value) bool { return d.slice(elem, v) }
	}
	return nil
}

// decoder reads JSON as json.Marshal writes it from data[i:].
type decoder struct {
	data []byte
	i    int
	buf  []byte // a string's bytes unescaped
}

func (d *decoder) next(c byte) bool {
	if d.i < len(d.data) && d.data[d.i] == c {
		d.i++
		return true
	}
	return false
}

// null reads a null, which leaves the value as it is (zero).
func (d *decoder) null() bool {
	if len(d.data)-d.i >= 4 && string(d.data[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// object reads an object into struct v, each of its fields named once.
func (d *decoder) object(p *structPlan, v reflect.Value) bool {
	if !d.next('{') {
		return false
	}
	if d.next('}') {
		return true
	}
	var seen uint64 // the fields named, by index (64 at the most: makePlan)
	for {
		name, plain, ok := d.span()
		if !ok || !plain || !d.next(':') {
			return false
		}
		f, ok := p.fields[string(name)]
		if !ok {
			return false // a name of no field, or not as it is written
		}
		if seen&(1<<f.index) != 0 {
			return false
		}
		seen |= 1 << f.index
		if !f.dec(d, v.Field(f.index)) {
			return false
		}
		if d.next('}') {
			return true
		}
		if !d.next(',') {
			return false
		}
	}
}

// slice reads an array, or null, into slice v, grown in place: an
// empty array makes an empty slice, not nil, as encoding/json does.
func (d *decoder) slice(elem func(*decoder, reflect.Value) bool, v reflect.Value) bool {
	if d.null() {
		return true
	}
	if !d.next('[') {
		return false
	}
	if d.next(']') {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		return true
	}
	for i := 0; ; i++ {
		if i == v.Cap() {
			v.Grow(1)
		}
		v.SetLen(i + 1)
		e := v.Index(i)
		e.SetZero()
		if !elem(d, e) {
			return false
		}
		if d.next(']') {
			return true
		}
		if !d.next(',') {
			return false
		}
	}
}

func (d *decoder) string(v reflect.Value) bool {
	if d.null() {
		return true
	}
	s, ok := d.rawString()
	if ok {
		v.SetString(s)
	}
	return ok
}

// rawString reads a string: its bytes as they are when it has no escape,
// the escapes json.Marshal writes unescaped; false for any other escape,
// a control character or bytes that are not UTF-8.
func (d *decoder) rawString() (string, bool) {
	s, plain, ok := d.span()
	switch {
	case !ok:
		return "", false
	case plain:
		return string(s), utf8.Valid(s)
	}
	return d.unescape(s)
}

// span reads a string, and returns its bytes between the quotes as they
// are, and whether they hold no escape; false when there is no string or
// it holds a control character.
func (d *decoder) span() (s []byte, plain, ok bool) {
	if !d.next('"') {
		return nil, false, false
	}
	start := d.i
	plain = true
	for ; d.i < len(d.data); d.i++ {
		switch c := d.data[d.i]; {
		case c == '"':
			d.i++
			return d.data[start : d.i-1], plain, true
		case c == '\\':
			plain = false
			d.i++ // the escaped byte is no quote
		case c < ' ':
			return nil, false, false
		}
	}
	return nil, false, false
}

// unescape unescapes a string's bytes between its quotes.
func (d *decoder) unescape(s []byte) (string, bool) {
	b := d.buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		if i == len(s) {
			return "", false
		}
		switch s[i] {
		case '"', '\\', '/':
			b = append(b, s[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			if i+4 >= len(s) {
				return "", false
			}
			r, err := strconv.ParseUint(string(s[i+1:i+5]), 16, 16)
			if err != nil || r >= 0xd800 && r < 0xe000 {
				return "", false // a surrogate: left to encoding/json
			}
			b = utf8.AppendRune(b, rune(r))
			i += 4
		default:
			return "", false
		}
	}
	d.buf = b
	return string(b), utf8.Valid(b)
}

func (d *decoder) bool(v reflect.Value) bool {
	switch {
	case d.null():
	case len(d.data)-d.i >= 4 && string(d.data[d.i:d.i+4]) == "true":
		d.i += 4
		v.SetBool(true)
	case len(d.data)-d.i >= 5 && string(d.data[d.i:d.i+5]) == "false":
		d.i += 5
	default:
		return false
	}
	return true
}

// int reads an integer as json.Marshal writes it: digits, no leading
// zero, a minus sign maybe, within the range of v's type.
func (d *decoder) int(v reflect.Value) bool {
	if d.null() {
		return true
	}
	start := d.i
	d.next('-')
	digits := d.i
	for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
		d.i++
	}
	if d.i == digits || d.data[digits] == '0' && d.i-digits > 1 {
		return false
	}
	if d.i < len(d.data) && (d.data[d.i] == '.' || d.data[d.i] == 'e' || d.data[d.i] == 'E') {
		return false
	}
	n, err := strconv.ParseInt(string(d.data[start:d.i]), 10, 64)
	if err != nil || v.OverflowInt(n) {
		return false
	}
	v.SetInt(n)
	return true
}

// time reads a time as encoding/json does: by its UnmarshalJSON, given
// the string with its quotes.
func (d *decoder) time(v reflect.Value) bool {
	if d.null() {
		return true
	}
	start := d.i
	if _, ok := d.rawString(); !ok {
		return false
	}
	t, _ := reflect.TypeAssert[*time.Time](v.Addr())
	return t.UnmarshalJSON(d.data[start:d.i]) == nil
}
