package templates

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"
)

// A mail's templates, once loaded, are executed many times with data of
// one type, the kind's. text/template finds each field by its name and
// calls each function through reflection at every execution, and prints
// each value through fmt; most of rendering a mail went there. So once
// a kind's templates are loaded and rewritten (memo.go, fold.go,
// escape.go), their trees are compiled (compile) into Go functions
// that execute them for the kind's data: each field found once, by its
// index, from the type of the data at that place; each function of the
// template set called as what it is; strings written as they are.
//
// Only what text/template would execute the same way is compiled: the
// nodes, functions and types below. A template set with anything else
// (a function, a node or a type the compiler does not know, a field of
// an interface's type, a map) is not compiled, and is executed by
// text/template as before. What compiles but, with some data, would
// take text/template off the path compiled (a nil pointer, an error, a
// value of a type a function does not take as it is) stops the compiled
// execution (errSlow), and the mail is rendered again by text/template,
// which writes what it writes, error included.

// compiled says whether Load compiles the templates; tests turn it off to
// compare.
var compiled = true

// errSlow stops a compiled execution: text/template is to execute the
// templates instead.
var errSlow = errors.New("templates: execution left the compiled path")

// refused stops a compilation: the templates are executed by
// text/template.
type refused struct{ why string }

// program is a template compiled for data of one type.
type program func(x *execution, dot reflect.Value)

// execution is the state of a compiled execution: where it writes, and
// the variables of the templates being executed, the one called last on
// top from base.
type execution struct {
	w    writer
	vars []reflect.Value
	base int
}

// writer is what a compiled execution writes into: a *bytes.Buffer.
type writer interface {
	Write([]byte) (int, error)
	WriteString(string) (int, error)
}

// executions are the states of compiled executions, used in turn.
var executions = sync.Pool{New: func() any { return &execution{vars: make([]reflect.Value, 0, 16)} }}

// run executes p with data, and reports errSlow when it left the path
// compiled (or a function it called panicked): what it wrote is then to
// be dropped.
func (p program) run(w writer, data any) (err error) {
	x := executions.Get().(*execution)
	x.w = w
	defer func() {
		if r := recover(); r != nil {
			err = errSlow
		}
		clear(x.vars)
		x.vars, x.base, x.w = x.vars[:0], 0, nil
		executions.Put(x)
	}()
	p(x, reflect.ValueOf(data))
	return nil
}

// slow leaves the compiled path.
func slow() { panic(errSlow) }

// compiler compiles the templates of one set, in one language.
type compiler struct {
	lookup func(name string) *parse.Tree
	funcs  map[string]any
	// done are the templates compiled, by name and the type of their
	// dot; a template being compiled is there as nil (a template that
	// calls itself is not compiled).
	done map[compiledKey]*program
}

type compiledKey struct {
	name string
	dot  reflect.Type
}

// compileSet compiles the template name of a set for data of type data,
// with the set's functions funcs; nil, with the reason, when it cannot.
func compileSet(lookup func(string) *parse.Tree, funcs map[string]any, name string, data reflect.Type) (p program, why string) {
	c := &compiler{lookup: lookup, funcs: funcs, done: map[compiledKey]*program{}}
	defer func() {
		if r := recover(); r != nil {
			ref, ok := r.(refused)
			if !ok {
				panic(r)
			}
			p, why = nil, ref.why
		}
	}()
	return c.template(name, data), ""
}

func refuse(format string, args ...any) { panic(refused{fmt.Sprintf(format, args...)}) }

// template compiles the template name for a dot of type dot (nil: no
// value), which the program is given as its dot.
func (c *compiler) template(name string, dot reflect.Type) program {
	key := compiledKey{name, dot}
	if p, ok := c.done[key]; ok {
		if p == nil {
			refuse("template %q calls itself", name)
		}
		return *p
	}
	tree := c.lookup(name)
	if tree == nil || tree.Root == nil {
		refuse("template %q not defined", name)
	}
	c.done[key] = nil
	s := &scope{vars: []variable{{"$", dot}}}
	body := c.list(tree.Root, s, dot)
	slots := len(s.vars)
	if s.most > slots {
		slots = s.most
	}
	p := program(func(x *execution, dotv reflect.Value) {
		base := x.base
		x.base = len(x.vars)
		x.vars = append(x.vars, dotv)
		for range slots - 1 {
			x.vars = append(x.vars, reflect.Value{})
		}
		body(x, dotv)
		clear(x.vars[x.base:])
		x.vars = x.vars[:x.base]
		x.base = base
	})
	c.done[key] = &p
	return p
}

// scope is the variables a template's node sees: $ and those of the
// ranges around it, each in its slot of the template's frame.
type scope struct {
	vars []variable
	most int // the most slots in use at once
}

type variable struct {
	name string
	typ  reflect.Type
}

func (s *scope) find(name string) (int, reflect.Type) {
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == name {
			return i, s.vars[i].typ
		}
	}
	refuse("undefined variable %s", name)
	return 0, nil
}

func (s *scope) push(name string, typ reflect.Type) int {
	s.vars = append(s.vars, variable{name, typ})
	s.most = max(s.most, len(s.vars))
	return len(s.vars) - 1
}

// list compiles a list of nodes executed with a dot of type dot.
func (c *compiler) list(l *parse.ListNode, s *scope, dot reflect.Type) program {
	if l == nil {
		return func(*execution, reflect.Value) {}
	}
	var steps []program
	for _, n := range l.Nodes {
		if p := c.node(n, s, dot); p != nil {
			steps = append(steps, p)
		}
	}
	switch len(steps) {
	case 0:
		return func(*execution, reflect.Value) {}
	case 1:
		return steps[0]
	}
	return func(x *execution, dotv reflect.Value) {
		for _, p := range steps {
			p(x, dotv)
		}
	}
}

func (c *compiler) node(n parse.Node, s *scope, dot reflect.Type) program {
	switch n := n.(type) {
	case *parse.TextNode:
		text := string(n.Text)
		return func(x *execution, _ reflect.Value) { x.w.WriteString(text) }
	case *parse.CommentNode:
		return nil
	case *parse.ActionNode:
		if len(n.Pipe.Decl) > 0 {
			refuse("a variable declared: %s", n)
		}
		return c.print(c.pipeline(n.Pipe, s, dot))
	case *parse.IfNode:
		return c.ifOrWith(&n.BranchNode, s, dot, false)
	case *parse.WithNode:
		return c.ifOrWith(&n.BranchNode, s, dot, true)
	case *parse.RangeNode:
		return c.rangeNode(n, s, dot)
	case *parse.TemplateNode:
		return c.call(n, s, dot)
	}
	refuse("node %s", n)
	return nil
}

// print compiles the printing of what an action gives, as text/template
// prints it: a string as it is; anything else as fmt prints it, pointers
// followed, a method String or Error called.
func (c *compiler) print(e expr) program {
	if e.str != nil {
		str := e.str
		return func(x *execution, dot reflect.Value) { x.w.WriteString(str(x, dot)) }
	}
	val := e.val
	return func(x *execution, dot reflect.Value) {
		v := val(x, dot)
		if v.IsValid() && v.Kind() == reflect.Int && v.Type() == intType {
			var b [20]byte
			x.w.Write(strconv.AppendInt(b[:0], v.Int(), 10))
			return
		}
		iface, ok := printableValue(v)
		if !ok {
			slow()
		}
		fmt.Fprint(x.w, iface)
	}
}

func (c *compiler) ifOrWith(b *parse.BranchNode, s *scope, dot reflect.Type, with bool) program {
	if len(b.Pipe.Decl) > 0 {
		refuse("a variable declared: %s", b.Pipe)
	}
	e := c.pipeline(b.Pipe, s, dot)
	truth := e.truth()
	inner := dot
	if with {
		inner = e.typ
	}
	list := c.list(b.List, s, inner)
	var elseList program
	if b.ElseList != nil {
		elseList = c.list(b.ElseList, s, dot)
	}
	if with {
		val := e.val
		return func(x *execution, dotv reflect.Value) {
			v := val(x, dotv)
			if t, ok := isTrue(indirectInterface(v)); !ok {
				slow()
			} else if t {
				list(x, v)
			} else if elseList != nil {
				elseList(x, dotv)
			}
		}
	}
	return func(x *execution, dotv reflect.Value) {
		if truth(x, dotv) {
			list(x, dotv)
		} else if elseList != nil {
			elseList(x, dotv)
		}
	}
}

// rangeNode compiles a range over a slice or an array, with none, one
// or two variables declared (":=").
func (c *compiler) rangeNode(r *parse.RangeNode, s *scope, dot reflect.Type) program {
	if len(r.Pipe.Decl) > 0 && r.Pipe.IsAssign {
		refuse("a variable assigned: %s", r.Pipe)
	}
	if len(r.Pipe.Decl) > 2 {
		refuse("range of %d variables", len(r.Pipe.Decl))
	}
	decl := r.Pipe.Decl
	pipe := *r.Pipe // the trees are not changed
	pipe.Decl = nil
	e := c.pipeline(&pipe, s, dot)
	if e.typ == nil || (e.typ.Kind() != reflect.Slice && e.typ.Kind() != reflect.Array) {
		refuse("range over %v", e.typ)
	}
	elem := e.typ.Elem()
	mark := len(s.vars)
	indexSlot, elemSlot := -1, -1
	switch len(decl) {
	case 1:
		elemSlot = s.push(decl[0].Ident[0], elem)
	case 2:
		indexSlot = s.push(decl[0].Ident[0], intType)
		elemSlot = s.push(decl[1].Ident[0], elem)
	}
	body := c.list(r.List, s, elem)
	s.vars = s.vars[:mark]
	var elseList program
	if r.ElseList != nil {
		elseList = c.list(r.ElseList, s, dot)
	}
	val := e.val
	return func(x *execution, dotv reflect.Value) {
		v := val(x, dotv)
		n := v.Len()
		for i := range n {
			el := v.Index(i)
			if indexSlot >= 0 {
				x.vars[x.base+indexSlot] = reflect.ValueOf(i)
			}
			if elemSlot >= 0 {
				x.vars[x.base+elemSlot] = el
			}
			body(x, el)
		}
		if n == 0 && elseList != nil {
			elseList(x, dotv)
		}
	}
}

// call compiles {{template "name" pipeline}}.
func (c *compiler) call(t *parse.TemplateNode, s *scope, dot reflect.Type) program {
	if t.Pipe == nil {
		p := c.template(t.Name, nil)
		return func(x *execution, _ reflect.Value) { p(x, reflect.Value{}) }
	}
	if len(t.Pipe.Decl) > 0 {
		refuse("a variable declared: %s", t)
	}
	e := c.pipeline(t.Pipe, s, dot)
	if e.typ == nil {
		refuse("template %q called with a value of no known type", t.Name)
	}
	p := c.template(t.Name, e.typ)
	val := e.val
	return func(x *execution, dotv reflect.Value) { p(x, val(x, dotv)) }
}

// expr is an expression compiled: the value it gives for a dot, and its
// type (nil when not known as the program is compiled).
type expr struct {
	typ reflect.Type
	val func(x *execution, dot reflect.Value) reflect.Value
	// str, when typ is string, gives the string without making a
	// reflect.Value of it.
	str func(x *execution, dot reflect.Value) string
}

var (
	stringType  = reflect.TypeFor[string]()
	intType     = reflect.TypeFor[int]()
	boolType    = reflect.TypeFor[bool]()
	timeType    = reflect.TypeFor[time.Time]()
	stringsType = reflect.TypeFor[[]string]()
	valueType   = reflect.TypeFor[reflect.Value]()
)

// strExpr is a string expression.
func strExpr(str func(x *execution, dot reflect.Value) string) expr {
	return expr{typ: stringType, str: str, val: func(x *execution, dot reflect.Value) reflect.Value {
		return reflect.ValueOf(str(x, dot))
	}}
}

// truth is the truth of the expression, as if and with take it.
func (e expr) truth() func(x *execution, dot reflect.Value) bool {
	if e.str != nil {
		str := e.str
		return func(x *execution, dot reflect.Value) bool { return str(x, dot) != "" }
	}
	val := e.val
	return func(x *execution, dot reflect.Value) bool {
		t, ok := isTrue(indirectInterface(val(x, dot)))
		if !ok {
			slow()
		}
		return t
	}
}

// pipeline compiles a pipeline that declares no variable: each command's
// value is the next one's last argument.
func (c *compiler) pipeline(p *parse.PipeNode, s *scope, dot reflect.Type) expr {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) == 0 {
		refuse("pipeline %s", p)
	}
	var e *expr
	for _, cmd := range p.Cmds {
		next := c.command(cmd, s, dot, e)
		if next.typ != nil && next.typ.Kind() == reflect.Interface {
			refuse("a value of interface type %v", next.typ)
		}
		e = &next
	}
	return *e
}

// command compiles a command, given the value of the one before it in
// its pipeline (final), nil for none.
func (c *compiler) command(cmd *parse.CommandNode, s *scope, dot reflect.Type, final *expr) expr {
	first := cmd.Args[0]
	if id, ok := first.(*parse.IdentifierNode); ok {
		return c.function(id.Ident, cmd.Args[1:], s, dot, final)
	}
	if len(cmd.Args) > 1 || final != nil {
		refuse("arguments to a non-function: %s", cmd)
	}
	return c.operand(first, s, dot)
}

// operand compiles a command or argument that is no function's call.
func (c *compiler) operand(n parse.Node, s *scope, dot reflect.Type) expr {
	switch n := n.(type) {
	case *parse.DotNode:
		return c.fields(func(_ *execution, d reflect.Value) reflect.Value { return d }, dot, nil)
	case *parse.FieldNode:
		return c.fields(func(_ *execution, d reflect.Value) reflect.Value { return d }, dot, n.Ident)
	case *parse.VariableNode:
		slot, typ := s.find(n.Ident[0])
		return c.fields(func(x *execution, _ reflect.Value) reflect.Value { return x.vars[x.base+slot] }, typ, n.Ident[1:])
	case *parse.PipeNode:
		return c.pipeline(n, s, dot)
	case *parse.StringNode:
		text := n.Text
		return strExpr(func(*execution, reflect.Value) string { return text })
	case *parse.BoolNode:
		v := reflect.ValueOf(n.True)
		return expr{typ: boolType, val: func(*execution, reflect.Value) reflect.Value { return v }}
	case *parse.NumberNode:
		if !n.IsInt || !decimal(n.Text) {
			refuse("number %s", n)
		}
		i := int(n.Int64)
		if int64(i) != n.Int64 {
			refuse("number %s", n)
		}
		v := reflect.ValueOf(i)
		return expr{typ: intType, val: func(*execution, reflect.Value) reflect.Value { return v }}
	}
	refuse("operand %s", n)
	return expr{}
}

// fields compiles the fields named, in turn, of what from gives, of type
// typ: fields of structs, or of pointers to them, and time.Time's IsZero.
func (c *compiler) fields(from func(*execution, reflect.Value) reflect.Value, typ reflect.Type, names []string) expr {
	if len(names) == 0 {
		e := expr{typ: typ, val: from}
		if typ == stringType {
			e.str = func(x *execution, d reflect.Value) string { return from(x, d).String() }
		}
		return e
	}
	if typ == nil {
		refuse("field %s of no known type", names[0])
	}
	name := names[0]
	st, ptr := typ, false
	if st.Kind() == reflect.Pointer {
		st, ptr = st.Elem(), true
	}
	// text/template looks for a method first, of the pointer when the
	// value is addressable.
	if _, ok := reflect.PointerTo(st).MethodByName(name); ok {
		if st == timeType && name == "IsZero" && len(names) == 1 {
			return c.isZero(from, typ)
		}
		refuse("method %s of %v", name, typ)
	}
	if st.Kind() != reflect.Struct {
		refuse("field %s of %v", name, typ)
	}
	f, ok := st.FieldByName(name)
	if !ok || !f.IsExported() {
		refuse("field %s of %v", name, typ)
	}
	index := f.Index
	get := func(x *execution, d reflect.Value) reflect.Value {
		v := from(x, d)
		if ptr {
			if v.IsNil() {
				slow()
			}
			v = v.Elem()
		}
		if len(index) == 1 {
			return v.Field(index[0])
		}
		v, err := v.FieldByIndexErr(index)
		if err != nil {
			slow()
		}
		return v
	}
	if f.Type.Kind() == reflect.Interface || f.Type.Kind() == reflect.Map {
		refuse("field %s of type %v", name, f.Type)
	}
	return c.fields(get, f.Type, names[1:])
}

// isZero compiles a call of time.Time's IsZero.
func (c *compiler) isZero(from func(*execution, reflect.Value) reflect.Value, typ reflect.Type) expr {
	ptr := typ.Kind() == reflect.Pointer
	return expr{typ: boolType, val: func(x *execution, d reflect.Value) reflect.Value {
		v := from(x, d)
		if ptr {
			if v.IsNil() {
				slow()
			}
			v = v.Elem()
		}
		t, _ := reflect.TypeAssert[time.Time](v)
		return reflect.ValueOf(t.IsZero())
	}}
}

// printableValue is text/template's: the value fmt is to print for v,
// false when it prints none.
func printableValue(v reflect.Value) (any, bool) {
	if v.Kind() == reflect.Pointer {
		v, _ = indirectValue(v)
	}
	if !v.IsValid() {
		return "<no value>", true
	}
	if !v.Type().Implements(errorType) && !v.Type().Implements(stringerType) {
		if v.CanAddr() && (reflect.PointerTo(v.Type()).Implements(errorType) || reflect.PointerTo(v.Type()).Implements(stringerType)) {
			v = v.Addr()
		} else {
			switch v.Kind() {
			case reflect.Chan, reflect.Func:
				return nil, false
			}
		}
	}
	return v.Interface(), true
}

// indirectValue is text/template's indirect: the value pointers and
// interfaces lead to, and whether one of them was nil.
func indirectValue(v reflect.Value) (reflect.Value, bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

// indirectInterface is text/template's: the value in an interface.
func indirectInterface(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Interface {
		return v
	}
	if v.IsNil() {
		return reflect.Value{}
	}
	return v.Elem()
}

// isTrue is text/template's truth of a value, and whether it has one.
func isTrue(val reflect.Value) (truth, ok bool) {
	if !val.IsValid() {
		return false, true
	}
	switch val.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		truth = val.Len() > 0
	case reflect.Bool:
		truth = val.Bool()
	case reflect.Complex64, reflect.Complex128:
		truth = val.Complex() != 0
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		truth = !val.IsNil()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		truth = val.Int() != 0
	case reflect.Float32, reflect.Float64:
		truth = val.Float() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		truth = val.Uint() != 0
	case reflect.Struct:
		truth = true
	default:
		return
	}
	return truth, true
}

// urlFilter is html/template's filter of a URL in an attribute, for a
// string or a URL; anything else leaves the compiled path.
func urlFilter(v any) string {
	switch s := indirect(v).(type) {
	case htmltemplate.URL:
		return string(s)
	case string:
		if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
			if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
				return "#ZgotmplZ"
			}
		}
		return s
	}
	slow()
	return ""
}

// urlNormalizer is html/template's normalizer of a URL, for a string or a
// URL it leaves as it is; anything else leaves the compiled path.
func urlNormalizer(v any) string {
	var s string
	switch t := indirect(v).(type) {
	case htmltemplate.URL:
		s = string(t)
	case string:
		s = t
	default:
		slow()
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0:
		default:
			slow() // to be encoded, or a '%'
		}
	}
	return s
}

// attrEscaper is html/template's escaper of a quoted attribute's value:
// its escaper of HTML text but for HTML, which it strips of its tags
// (left to html/template).
func attrEscaper(v any) string {
	if _, ok := indirect(v).(htmltemplate.HTML); ok {
		slow()
	}
	return htmlEscaper(v)
}

// function compiles a call of a function of the set, of html/template's
// escapers the compiler knows or of text/template's builtins it knows,
// with args and the pipeline's value before it (final) as its last.
func (c *compiler) function(name string, args []parse.Node, s *scope, dot reflect.Type, final *expr) expr {
	if f, ok := c.funcs[name]; ok {
		return c.goFunc(name, f, args, s, dot, final)
	}
	switch name {
	case "_html_template_attrescaper":
		return c.goFunc(name, attrEscaper, args, s, dot, final)
	case "_html_template_urlfilter":
		return c.goFunc(name, urlFilter, args, s, dot, final)
	case "_html_template_urlnormalizer":
		return c.goFunc(name, urlNormalizer, args, s, dot, final)
	case "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge":
		if final != nil {
			refuse("%s given the pipeline's value", name)
		}
		return c.builtin(name, c.anyArgs(args, s, dot))
	case "printf":
		if final != nil || len(args) == 0 {
			refuse("printf's arguments")
		}
		return c.printf(c.anyArgs(args, s, dot))
	}
	refuse("function %q", name)
	return expr{}
}

// anyArgs compiles arguments of any type.
func (c *compiler) anyArgs(args []parse.Node, s *scope, dot reflect.Type) []expr {
	es := make([]expr, len(args))
	for i, a := range args {
		es[i] = c.arg(a, s, dot)
	}
	return es
}

// arg compiles an argument: an operand, or a function called with none.
func (c *compiler) arg(n parse.Node, s *scope, dot reflect.Type) expr {
	if id, ok := n.(*parse.IdentifierNode); ok {
		return c.function(id.Ident, nil, s, dot, nil)
	}
	return c.operand(n, s, dot)
}

// decimal reports whether a number is written in decimal digits alone.
func decimal(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// typedArgs compiles the arguments of a function of type ft: each of the
// type of its parameter exactly (or of any type for a parameter of type
// any), the pipeline's value last.
func (c *compiler) typedArgs(name string, ft reflect.Type, args []parse.Node, s *scope, dot reflect.Type, final *expr) []expr {
	es := c.anyArgs(args, s, dot)
	if final != nil {
		es = append(es, *final)
	}
	n := ft.NumIn()
	if ft.IsVariadic() && len(es) < n-1 || !ft.IsVariadic() && len(es) != n {
		refuse("%s given %d arguments", name, len(es))
	}
	for i, e := range es {
		var want reflect.Type
		if ft.IsVariadic() && i >= n-1 {
			want = ft.In(n - 1).Elem()
		} else {
			want = ft.In(i)
		}
		if want.Kind() == reflect.Interface && want.NumMethod() == 0 {
			continue
		}
		if e.typ != want {
			refuse("%s's argument %d of type %v, not %v", name, i+1, e.typ, want)
		}
	}
	return es
}

// anyValue is what a parameter of type any is given for v.
func anyValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	return v.Interface()
}

// escapesString are the escapers that, given a string, give what
// escapeHTML gives: called so, the string is not made an any.
var escapesString = map[string]func(string) string{htmlEscaperFunc: escapeHTML, "_html_template_attrescaper": escapeHTML}

// goFunc compiles a call of f, a function of one of the types the set's
// functions have; a function of another type is not compiled.
func (c *compiler) goFunc(name string, f any, args []parse.Node, s *scope, dot reflect.Type, final *expr) expr {
	es := c.typedArgs(name, reflect.TypeOf(f), args, s, dot, final)
	switch f := f.(type) {
	case func() string:
		return strExpr(func(*execution, reflect.Value) string { return f() })
	case func(string) string:
		a := es[0].str
		return strExpr(func(x *execution, d reflect.Value) string { return f(a(x, d)) })
	case func(any) string:
		if a, esc := es[0].str, escapesString[name]; a != nil && esc != nil {
			return strExpr(func(x *execution, d reflect.Value) string { return esc(a(x, d)) })
		}
		a := es[0].val
		return strExpr(func(x *execution, d reflect.Value) string { return f(anyValue(a(x, d))) })
	case func(time.Time) string:
		a := es[0].val
		return strExpr(func(x *execution, d reflect.Value) string {
			t, _ := reflect.TypeAssert[time.Time](a(x, d))
			return f(t)
		})
	case func([]string) string:
		a := es[0].val
		return strExpr(func(x *execution, d reflect.Value) string {
			l, _ := reflect.TypeAssert[[]string](a(x, d))
			return f(l)
		})
	case func([]string, string) string:
		a, b := es[0].val, es[1].str
		return strExpr(func(x *execution, d reflect.Value) string {
			l, _ := reflect.TypeAssert[[]string](a(x, d))
			return f(l, b(x, d))
		})
	case func(int64) string:
		a := es[0].val
		return strExpr(func(x *execution, d reflect.Value) string { return f(a(x, d).Int()) })
	case func(string) bool:
		a := es[0].str
		return expr{typ: boolType, val: func(x *execution, d reflect.Value) reflect.Value { return reflect.ValueOf(f(a(x, d))) }}
	case func([]string, string) bool:
		a, b := es[0].val, es[1].str
		return expr{typ: boolType, val: func(x *execution, d reflect.Value) reflect.Value {
			l, _ := reflect.TypeAssert[[]string](a(x, d))
			return reflect.ValueOf(f(l, b(x, d)))
		}}
	case func(int) int:
		a := es[0].val
		return expr{typ: intType, val: func(x *execution, d reflect.Value) reflect.Value { return reflect.ValueOf(f(int(a(x, d).Int()))) }}
	case func(string) Reproduced:
		a := es[0].str
		return expr{typ: reflect.TypeFor[Reproduced](), val: func(x *execution, d reflect.Value) reflect.Value { return reflect.ValueOf(f(a(x, d))) }}
	case func(string) htmltemplate.URL:
		a := es[0].str
		return expr{typ: reflect.TypeFor[htmltemplate.URL](), val: func(x *execution, d reflect.Value) reflect.Value { return reflect.ValueOf(f(a(x, d))) }}
	case func(string, ...any) (string, error):
		return c.memoCall(f, es)
	}
	refuse("function %q of type %T", name, f)
	return expr{}
}

// memoCall compiles a call of a memo's function (memo.go): a partial's
// name, and its argument.
func (c *compiler) memoCall(f func(string, ...any) (string, error), es []expr) expr {
	name := es[0].str
	rest := es[1:]
	return strExpr(func(x *execution, d reflect.Value) string {
		var arg [1]any
		args := arg[:0]
		for _, e := range rest {
			args = append(args, anyValue(e.val(x, d)))
		}
		out, err := f(name(x, d), args...)
		if err != nil {
			slow()
		}
		return out
	})
}

// printf compiles text/template's printf: fmt.Sprintf.
func (c *compiler) printf(es []expr) expr {
	if es[0].typ != stringType {
		refuse("printf's format of type %v", es[0].typ)
	}
	format, rest := es[0].str, es[1:]
	return strExpr(func(x *execution, d reflect.Value) string {
		args := make([]any, len(rest))
		for i, e := range rest {
			args[i] = anyValue(e.val(x, d))
		}
		return fmt.Sprintf(format(x, d), args...)
	})
}

// builtin compiles text/template's builtins of truth and comparison.
func (c *compiler) builtin(name string, es []expr) expr {
	switch name {
	case "and", "or":
		if len(es) == 0 {
			refuse("%s of nothing", name)
		}
		return andOr(name == "or", es)
	case "not":
		if len(es) != 1 {
			refuse("not of %d", len(es))
		}
		a := es[0].val
		return expr{typ: boolType, val: func(x *execution, d reflect.Value) reflect.Value {
			t, _ := isTrue(indirectInterface(a(x, d)))
			return reflect.ValueOf(!t)
		}}
	case "eq":
		if len(es) < 2 {
			refuse("eq of %d", len(es))
		}
		return expr{typ: boolType, val: func(x *execution, d reflect.Value) reflect.Value {
			// text/template evaluates every argument before comparing:
			// one that fails after the first equal one fails eq.
			var vs [4]reflect.Value
			args := vs[:0]
			for _, e := range es {
				args = append(args, e.val(x, d))
			}
			for _, b := range args[1:] {
				if compare(args[0], b, false) == 0 {
					return reflect.ValueOf(true)
				}
			}
			return reflect.ValueOf(false)
		}}
	}
	if len(es) != 2 {
		refuse("%s of %d", name, len(es))
	}
	a, b, ordered := es[0].val, es[1].val, name != "ne"
	test := map[string]func(int) bool{
		"ne": func(c int) bool { return c != 0 },
		"lt": func(c int) bool { return c < 0 },
		"le": func(c int) bool { return c <= 0 },
		"gt": func(c int) bool { return c > 0 },
		"ge": func(c int) bool { return c >= 0 },
	}[name]
	return expr{typ: boolType, val: func(x *execution, d reflect.Value) reflect.Value {
		return reflect.ValueOf(test(compare(a(x, d), b(x, d), ordered)))
	}}
}

// andOr compiles and (or: or): the first value false (true), else the
// last, the values after it not evaluated.
func andOr(or bool, es []expr) expr {
	typ := es[0].typ
	for _, e := range es[1:] {
		if e.typ != typ {
			typ = nil
		}
	}
	val := func(x *execution, d reflect.Value) reflect.Value {
		var v reflect.Value
		for _, e := range es {
			v = e.val(x, d)
			if t, _ := isTrue(indirectInterface(v)); t == or {
				return v
			}
		}
		return v
	}
	e := expr{typ: typ, val: val}
	if typ == stringType {
		e.str = func(x *execution, d reflect.Value) string { return val(x, d).String() }
	}
	return e
}

// compare compares two values as text/template's comparisons do when
// both are strings, both integers or, unless ordered, both booleans; any
// other pair leaves the compiled path.
func compare(a, b reflect.Value, ordered bool) int {
	a, b = indirectInterface(a), indirectInterface(b)
	switch {
	case !a.IsValid() || !b.IsValid():
	case a.Kind() == reflect.String && b.Kind() == reflect.String:
		return strings.Compare(a.String(), b.String())
	case a.CanInt() && b.CanInt():
		return cmpInt(a.Int(), b.Int())
	case a.Kind() == reflect.Bool && b.Kind() == reflect.Bool && !ordered:
		if a.Bool() == b.Bool() {
			return 0
		}
		return 1
	}
	slow()
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
