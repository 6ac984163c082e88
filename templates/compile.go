package templates

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"text/template/parse"
)

// A plain-text template set executes by reflection: text/template looks
// each field up by its name, each method by its name, and calls each
// function through reflect.Value.Call, for every mail. compileText turns
// the parsed templates a mail's plain text executes into Go closures for
// the type of its data: fields are found once, by their index, and the
// functions the templates call most (funcs) are called as the Go
// functions they are. The closures do what text/template does, node for
// node: they print, test truth and compare as it does (isTrue,
// printValue, eq), and every construct they do not handle — a map, an
// interface, a method of the pointer only, a builtin other than the
// common ones, a comparison of mixed kinds — leaves the template to
// text/template (compile fails, and the Set executes it as parsed). A
// mail whose execution fails (an index out of range, a function's error)
// is executed again by text/template, which says why. HTML is not
// compiled: html/template's escapers stay where it put them.

// errUnsupported says a template holds what compileText leaves to
// text/template.
var errUnsupported = errors.New("templates: not compiled")

// maxDepth bounds the calls of templates inside one another; past it the
// mail is left to text/template, which has its own bound.
const maxDepth = 1000

// program is a template compiled for one type of data.
type program struct {
	data reflect.Type
	body *body
}

// body is a compiled template: its nodes and how many variables it
// declares ($ included).
type body struct {
	nvars int
	run   node
}

// node executes a compiled part of a template, with dot, in the frame of
// variables starting at fr.
type node func(r *run, fr int, dot reflect.Value)

// run is one execution.
type run struct {
	w     *bytes.Buffer
	vars  []reflect.Value
	depth int
}

// failure carries an execution's failure up through the closures.
type failure struct{ err error }

func (r *run) fail(format string, args ...any) {
	panic(failure{fmt.Errorf("templates: "+format, args...)})
}

// execute executes the program with data into w; on an error, what it
// wrote is to be discarded.
func (p *program) execute(w *bytes.Buffer, data any) (err error) {
	if data == nil || reflect.TypeOf(data) != p.data {
		return errUnsupported
	}
	dot := reflect.ValueOf(data)
	r := &run{w: w}
	defer func() {
		if e := recover(); e != nil {
			if f, ok := e.(failure); ok {
				err = f.err
				return
			}
			err = fmt.Errorf("templates: %v", e)
		}
	}()
	p.body.invoke(r, dot)
	return nil
}

func (b *body) invoke(r *run, dot reflect.Value) {
	if r.depth++; r.depth > maxDepth {
		r.fail("templates called %d deep", maxDepth)
	}
	fr := len(r.vars)
	for range b.nvars {
		r.vars = append(r.vars, reflect.Value{})
	}
	r.vars[fr] = dot // $
	b.run(r, fr, dot)
	clear(r.vars[fr:])
	r.vars = r.vars[:fr]
	r.depth--
}

// compiler compiles the templates of one set.
type compiler struct {
	lookup func(name string) *parse.Tree
	funcs  map[string]reflect.Value
	bodies map[bodyKey]*body
}

type bodyKey struct {
	name string
	dot  reflect.Type
}

// compileText compiles the template root of a plain-text set, whose
// functions are funcs, for data of type data. A template it fails on in
// any way, a panic included (a tree of an operator's templates it did
// not foresee), is left to text/template: the Set loads all the same.
func compileText(lookup func(string) *parse.Tree, funcs map[string]any, root string, data reflect.Type) (p *program, err error) {
	defer func() {
		if recover() != nil {
			p, err = nil, errUnsupported
		}
	}()
	c := &compiler{lookup: lookup, funcs: map[string]reflect.Value{}, bodies: map[bodyKey]*body{}}
	for name, f := range funcs {
		c.funcs[name] = reflect.ValueOf(f)
	}
	b, err := c.body(root, data)
	if err != nil {
		return nil, err
	}
	return &program{data: data, body: b}, nil
}

// body compiles template name for dot of type dotT (nil: no dot, as in
// {{template "name"}}).
func (c *compiler) body(name string, dotT reflect.Type) (*body, error) {
	key := bodyKey{name, dotT}
	if b, ok := c.bodies[key]; ok {
		return b, nil
	}
	tree := c.lookup(name)
	if tree == nil || tree.Root == nil {
		return nil, errUnsupported
	}
	b := &body{}
	c.bodies[key] = b // before its nodes, for a template that calls itself
	sc := &scope{body: b}
	sc.declare("$", dotT)
	run, err := c.list(tree.Root, dotT, sc)
	if err != nil {
		return nil, err
	}
	b.run = run
	return b, nil
}

// scope holds the variables visible where a template is compiled, each
// with its slot in the frame and its type.
type scope struct {
	body    *body
	visible []variable
}

type variable struct {
	name string
	slot int
	typ  reflect.Type
}

func (sc *scope) declare(name string, typ reflect.Type) int {
	slot := sc.body.nvars
	sc.body.nvars++
	sc.visible = append(sc.visible, variable{name, slot, typ})
	return slot
}

func (sc *scope) find(name string) (variable, bool) {
	for i := len(sc.visible) - 1; i >= 0; i-- {
		if sc.visible[i].name == name {
			return sc.visible[i], true
		}
	}
	return variable{}, false
}

func (sc *scope) mark() int    { return len(sc.visible) }
func (sc *scope) pop(mark int) { sc.visible = sc.visible[:mark] }

func (c *compiler) list(list *parse.ListNode, dotT reflect.Type, sc *scope) (node, error) {
	if list == nil {
		return func(*run, int, reflect.Value) {}, nil
	}
	var nodes []node
	for _, n := range list.Nodes {
		cn, err := c.node(n, dotT, sc)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, cn)
	}
	switch len(nodes) {
	case 0:
		return func(*run, int, reflect.Value) {}, nil
	case 1:
		return nodes[0], nil
	}
	return func(r *run, fr int, dot reflect.Value) {
		for _, n := range nodes {
			n(r, fr, dot)
		}
	}, nil
}

func (c *compiler) node(n parse.Node, dotT reflect.Type, sc *scope) (node, error) {
	switch n := n.(type) {
	case *parse.TextNode:
		text := string(n.Text)
		return func(r *run, _ int, _ reflect.Value) { r.w.WriteString(text) }, nil
	case *parse.ActionNode:
		e, err := c.pipe(n.Pipe, dotT, sc)
		if err != nil {
			return nil, err
		}
		if len(n.Pipe.Decl) > 0 {
			return func(r *run, fr int, dot reflect.Value) { e.val(r, fr, dot) }, nil
		}
		return printer(e), nil
	case *parse.IfNode:
		return c.ifOrWith(false, n.Pipe, n.List, n.ElseList, dotT, sc)
	case *parse.WithNode:
		return c.ifOrWith(true, n.Pipe, n.List, n.ElseList, dotT, sc)
	case *parse.RangeNode:
		return c.rangeNode(n, dotT, sc)
	case *parse.TemplateNode:
		return c.template(n, dotT, sc)
	case *parse.ListNode:
		return c.list(n, dotT, sc)
	}
	return nil, errUnsupported
}

func (c *compiler) ifOrWith(with bool, pipe *parse.PipeNode, list, elseList *parse.ListNode, dotT reflect.Type, sc *scope) (node, error) {
	mark := sc.mark()
	defer sc.pop(mark)
	cond, err := c.pipe(pipe, dotT, sc)
	if err != nil {
		return nil, err
	}
	inner := sc.mark()
	listT := dotT
	if with {
		if cond.typ == nil {
			return nil, errUnsupported
		}
		listT = cond.typ
	}
	then, err := c.list(list, listT, sc)
	if err != nil {
		return nil, err
	}
	sc.pop(inner)
	otherwise, err := c.list(elseList, dotT, sc)
	if err != nil {
		return nil, err
	}
	return func(r *run, fr int, dot reflect.Value) {
		v := cond.val(r, fr, dot)
		t, ok := isTrue(v)
		if !ok {
			r.fail("if/with can't use %v", v)
		}
		switch {
		case t && with:
			then(r, fr, v)
		case t:
			then(r, fr, dot)
		default:
			otherwise(r, fr, dot)
		}
	}, nil
}

func (c *compiler) rangeNode(n *parse.RangeNode, dotT reflect.Type, sc *scope) (node, error) {
	if n.Pipe.IsAssign || len(n.Pipe.Decl) > 2 || len(n.Pipe.Decl) > 0 && n.ElseList != nil {
		return nil, errUnsupported
	}
	mark := sc.mark()
	defer sc.pop(mark)
	over, err := c.cmds(n.Pipe, dotT, sc)
	if err != nil {
		return nil, err
	}
	t := over.typ
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || (t.Kind() != reflect.Slice && t.Kind() != reflect.Array) {
		return nil, errUnsupported
	}
	elemT := t.Elem()
	// The variables hold the slice until the first element; then the
	// index and the element, or the element alone.
	var slots []int
	switch len(n.Pipe.Decl) {
	case 1:
		slots = []int{sc.declare(n.Pipe.Decl[0].Ident[0], elemT)}
	case 2:
		slots = []int{sc.declare(n.Pipe.Decl[0].Ident[0], reflect.TypeFor[int]()), sc.declare(n.Pipe.Decl[1].Ident[0], elemT)}
	}
	inner := sc.mark()
	each, err := c.list(n.List, elemT, sc)
	if err != nil {
		return nil, err
	}
	sc.pop(inner)
	otherwise, err := c.list(n.ElseList, dotT, sc)
	if err != nil {
		return nil, err
	}
	return func(r *run, fr int, dot reflect.Value) {
		v := over.val(r, fr, dot)
		for _, s := range slots {
			r.vars[fr+s] = v
		}
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				r.fail("range can't iterate over %v", v)
			}
			v = v.Elem()
		}
		if v.Len() == 0 {
			otherwise(r, fr, dot)
			return
		}
		for i := range v.Len() {
			e := v.Index(i)
			switch len(slots) {
			case 1:
				r.vars[fr+slots[0]] = e
			case 2:
				r.vars[fr+slots[0]] = reflect.ValueOf(i)
				r.vars[fr+slots[1]] = e
			}
			each(r, fr, e)
		}
	}, nil
}

func (c *compiler) template(n *parse.TemplateNode, dotT reflect.Type, sc *scope) (node, error) {
	if n.Pipe == nil {
		b, err := c.body(n.Name, nil)
		if err != nil {
			return nil, err
		}
		return func(r *run, _ int, _ reflect.Value) { b.invoke(r, reflect.Value{}) }, nil
	}
	if len(n.Pipe.Decl) > 0 {
		return nil, errUnsupported
	}
	arg, err := c.cmds(n.Pipe, dotT, sc)
	if err != nil {
		return nil, err
	}
	if arg.typ == nil {
		return nil, errUnsupported
	}
	b, err := c.body(n.Name, arg.typ)
	if err != nil {
		return nil, err
	}
	return func(r *run, fr int, dot reflect.Value) { b.invoke(r, arg.val(r, fr, dot)) }, nil
}

// expr is a compiled expression: its static type (nil when it is only
// known as the template runs) and its value; str is set for a string.
type expr struct {
	typ reflect.Type
	val func(r *run, fr int, dot reflect.Value) reflect.Value
	str func(r *run, fr int, dot reflect.Value) string
}

// mixed is the static type of a value known only as the template runs:
// what and or or returns from arguments of different types. It has no
// field, method or kind a compiled template would act on but for printing
// it, testing its truth and passing it where any value will do, which
// look at the value itself.
type mixed struct{}

var (
	mixedType  = reflect.TypeFor[mixed]()
	stringType = reflect.TypeFor[string]()
	timeType   = reflect.TypeFor[time.Time]()
	errorType  = reflect.TypeFor[error]()
	stringer   = reflect.TypeFor[fmt.Stringer]()
	formatter  = reflect.TypeFor[fmt.Formatter]()
)

func stringExpr(str func(r *run, fr int, dot reflect.Value) string) expr {
	return expr{typ: stringType, str: str, val: func(r *run, fr int, dot reflect.Value) reflect.Value {
		return reflect.ValueOf(str(r, fr, dot))
	}}
}

// pipe compiles a pipeline and the variables it declares or sets.
func (c *compiler) pipe(pipe *parse.PipeNode, dotT reflect.Type, sc *scope) (expr, error) {
	e, err := c.cmds(pipe, dotT, sc)
	if err != nil || len(pipe.Decl) == 0 {
		return e, err
	}
	var slots []int
	for _, v := range pipe.Decl {
		if !pipe.IsAssign {
			slots = append(slots, sc.declare(v.Ident[0], e.typ))
			continue
		}
		old, ok := sc.find(v.Ident[0])
		if !ok || old.typ != e.typ {
			return expr{}, errUnsupported
		}
		slots = append(slots, old.slot)
	}
	val := e.val
	return expr{typ: e.typ, val: func(r *run, fr int, dot reflect.Value) reflect.Value {
		v := val(r, fr, dot)
		for _, s := range slots {
			r.vars[fr+s] = v
		}
		return v
	}}, nil
}

// cmds compiles a pipeline's commands, each given the value of the one
// before as its last argument.
func (c *compiler) cmds(pipe *parse.PipeNode, dotT reflect.Type, sc *scope) (expr, error) {
	if pipe == nil || len(pipe.Cmds) == 0 {
		return expr{}, errUnsupported
	}
	var final *expr
	var e expr
	for _, cmd := range pipe.Cmds {
		var err error
		e, err = c.command(cmd, dotT, sc, final)
		if err != nil {
			return expr{}, err
		}
		if e.typ == nil || e.typ.Kind() == reflect.Interface {
			return expr{}, errUnsupported
		}
		final = &e
	}
	return e, nil
}

func (c *compiler) command(cmd *parse.CommandNode, dotT reflect.Type, sc *scope, final *expr) (expr, error) {
	switch n := cmd.Args[0].(type) {
	case *parse.IdentifierNode:
		return c.call(n.Ident, cmd.Args[1:], dotT, sc, final)
	}
	if len(cmd.Args) > 1 || final != nil {
		return expr{}, errUnsupported
	}
	return c.operand(cmd.Args[0], dotT, sc)
}

// operand compiles what a command or an argument can be besides a call
// with arguments.
func (c *compiler) operand(n parse.Node, dotT reflect.Type, sc *scope) (expr, error) {
	switch n := n.(type) {
	case *parse.DotNode:
		if dotT == nil {
			return expr{}, errUnsupported
		}
		return expr{typ: dotT, val: func(_ *run, _ int, dot reflect.Value) reflect.Value { return dot }}, nil
	case *parse.FieldNode:
		if dotT == nil {
			return expr{}, errUnsupported
		}
		return fields(expr{typ: dotT, val: func(_ *run, _ int, dot reflect.Value) reflect.Value { return dot }}, n.Ident)
	case *parse.VariableNode:
		v, ok := sc.find(n.Ident[0])
		if !ok || v.typ == nil {
			return expr{}, errUnsupported
		}
		slot := v.slot
		return fields(expr{typ: v.typ, val: func(r *run, fr int, _ reflect.Value) reflect.Value { return r.vars[fr+slot] }}, n.Ident[1:])
	case *parse.PipeNode:
		if len(n.Decl) > 0 {
			return expr{}, errUnsupported
		}
		return c.cmds(n, dotT, sc)
	case *parse.IdentifierNode:
		return c.call(n.Ident, nil, dotT, sc, nil)
	case *parse.StringNode:
		text := n.Text
		return stringExpr(func(*run, int, reflect.Value) string { return text }), nil
	case *parse.BoolNode:
		return constant(reflect.ValueOf(n.True)), nil
	case *parse.NumberNode:
		v, ok := idealConstant(n)
		if !ok {
			return expr{}, errUnsupported
		}
		return constant(v), nil
	}
	return expr{}, errUnsupported
}

func constant(v reflect.Value) expr {
	return expr{typ: v.Type(), val: func(*run, int, reflect.Value) reflect.Value { return v }}
}

// idealConstant is the value text/template gives a number written in a
// template where any type will do: an int, for the decimal integers
// handled.
func idealConstant(n *parse.NumberNode) (reflect.Value, bool) {
	digits := strings.TrimLeft(n.Text, "+-")
	if !n.IsInt || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return reflect.Value{}, false
	}
	i := int(n.Int64)
	if int64(i) != n.Int64 {
		return reflect.Value{}, false
	}
	return reflect.ValueOf(i), true
}

// fields compiles the fields and methods without arguments named after
// base (.A.B, $x.A).
func fields(base expr, idents []string) (expr, error) {
	e := base
	for _, name := range idents {
		var err error
		e, err = field(e, name)
		if err != nil {
			return expr{}, err
		}
	}
	return e, nil
}

// field compiles the field or method name of recv as text/template's
// evalField finds it: a method of the value first, then a field.
func field(recv expr, name string) (expr, error) {
	t := recv.typ
	depth := 0
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
		depth++
	}
	if t.Kind() == reflect.Interface || t.Kind() == reflect.Map {
		return expr{}, errUnsupported
	}
	get := recv.val
	deref := func(r *run, fr int, dot reflect.Value) reflect.Value {
		v := get(r, fr, dot)
		for range depth {
			if v.IsNil() {
				r.fail("nil pointer evaluating %s.%s", recv.typ, name)
			}
			v = v.Elem()
		}
		return v
	}
	if _, ok := reflect.PointerTo(t).MethodByName(name); ok {
		m, ok := t.MethodByName(name)
		if !ok {
			return expr{}, errUnsupported // the pointer's only: found or not as the value is addressable
		}
		return method(deref, t, m)
	}
	if t.Kind() != reflect.Struct {
		return expr{}, errUnsupported
	}
	sf, ok := t.FieldByName(name)
	if !ok || !sf.IsExported() {
		return expr{}, errUnsupported
	}
	for i, step := t, 0; step < len(sf.Index)-1; step++ {
		i = i.Field(sf.Index[step]).Type
		if i.Kind() != reflect.Struct {
			return expr{}, errUnsupported // an embedded pointer, which may be nil
		}
	}
	index := sf.Index
	val := func(r *run, fr int, dot reflect.Value) reflect.Value {
		v := deref(r, fr, dot)
		if len(index) == 1 {
			return v.Field(index[0])
		}
		return v.FieldByIndex(index)
	}
	e := expr{typ: sf.Type, val: val}
	if sf.Type == stringType {
		e.str = func(r *run, fr int, dot reflect.Value) string { return val(r, fr, dot).String() }
	}
	return e, nil
}

// method compiles the call of a method without arguments.
func method(recv func(*run, int, reflect.Value) reflect.Value, t reflect.Type, m reflect.Method) (expr, error) {
	mt := m.Type // its receiver first
	if mt.NumIn() != 1 || !goodResults(mt) || mt.Out(0).Kind() == reflect.Interface {
		return expr{}, errUnsupported
	}
	if t == timeType && m.Name == "IsZero" {
		return expr{typ: mt.Out(0), val: func(r *run, fr int, dot reflect.Value) reflect.Value {
			return reflect.ValueOf(recv(r, fr, dot).Interface().(time.Time).IsZero())
		}}, nil
	}
	index := m.Index
	return expr{typ: mt.Out(0), val: func(r *run, fr int, dot reflect.Value) reflect.Value {
		return results(r, recv(r, fr, dot).Method(index).Call(nil))
	}}, nil
}

// goodResults reports whether a function's results are what
// text/template calls: a value, or a value and an error.
func goodResults(t reflect.Type) bool {
	switch t.NumOut() {
	case 1:
		return true
	case 2:
		return t.Out(1) == errorType
	}
	return false
}

func results(r *run, out []reflect.Value) reflect.Value {
	if len(out) == 2 && !out[1].IsNil() {
		r.fail("%v", out[1].Interface())
	}
	return out[0]
}

// call compiles a call of a function of the set, or of a builtin.
func (c *compiler) call(name string, args []parse.Node, dotT reflect.Type, sc *scope, final *expr) (expr, error) {
	if fn, ok := c.funcs[name]; ok {
		return c.callFunc(fn, args, dotT, sc, final)
	}
	var in []expr
	for _, a := range args {
		e, err := c.operand(a, dotT, sc)
		if err != nil {
			return expr{}, err
		}
		if e.typ == nil || e.typ.Kind() == reflect.Interface {
			return expr{}, errUnsupported
		}
		in = append(in, e)
	}
	if final != nil {
		in = append(in, *final)
	}
	return builtin(name, in)
}

// callFunc compiles a call of fn with args, and final after them.
func (c *compiler) callFunc(fn reflect.Value, args []parse.Node, dotT reflect.Type, sc *scope, final *expr) (expr, error) {
	t := fn.Type()
	numIn := len(args)
	if final != nil {
		numIn++
	}
	if t.IsVariadic() && numIn < t.NumIn()-1 || !t.IsVariadic() && numIn != t.NumIn() || !goodResults(t) ||
		t.Out(0).Kind() == reflect.Interface {
		return expr{}, errUnsupported
	}
	param := func(i int) reflect.Type {
		if t.IsVariadic() && i >= t.NumIn()-1 {
			return t.In(t.NumIn() - 1).Elem()
		}
		return t.In(i)
	}
	in := make([]expr, numIn)
	for i, a := range args {
		e, err := c.arg(a, param(i), dotT, sc)
		if err != nil {
			return expr{}, err
		}
		in[i] = e
	}
	if final != nil {
		if !final.typ.AssignableTo(param(numIn - 1)) {
			return expr{}, errUnsupported
		}
		in[numIn-1] = *final
	}
	if e, ok := direct(fn, in); ok {
		return e, nil
	}
	return expr{typ: t.Out(0), val: func(r *run, fr int, dot reflect.Value) reflect.Value {
		argv := make([]reflect.Value, len(in))
		for i, e := range in {
			argv[i] = e.val(r, fr, dot)
		}
		return results(r, fn.Call(argv))
	}}, nil
}

// arg compiles an argument given to a parameter of type p, as
// text/template's evalArg evaluates it.
func (c *compiler) arg(n parse.Node, p reflect.Type, dotT reflect.Type, sc *scope) (expr, error) {
	switch n := n.(type) {
	case *parse.DotNode, *parse.FieldNode, *parse.VariableNode, *parse.PipeNode, *parse.IdentifierNode:
		e, err := c.operand(n, dotT, sc)
		if err != nil {
			return expr{}, err
		}
		if e.typ == nil || !e.typ.AssignableTo(p) {
			return expr{}, errUnsupported
		}
		return e, nil
	case *parse.StringNode:
		if p.Kind() == reflect.String {
			v := reflect.New(p).Elem()
			v.SetString(n.Text)
			return constant(v), nil
		}
	case *parse.NumberNode:
		if p.Kind() >= reflect.Int && p.Kind() <= reflect.Int64 && n.IsInt {
			v := reflect.New(p).Elem()
			v.SetInt(n.Int64)
			return constant(v), nil
		}
	case *parse.BoolNode:
		if p.Kind() == reflect.Bool {
			v := reflect.New(p).Elem()
			v.SetBool(n.True)
			return constant(v), nil
		}
	}
	if p.Kind() == reflect.Interface && p.NumMethod() == 0 {
		return c.operand(n, dotT, sc)
	}
	return expr{}, errUnsupported
}

// direct calls the functions of the types templates call most as the Go
// functions they are, when each argument is of the parameter's type.
func direct(fn reflect.Value, in []expr) (expr, bool) {
	is := func(types ...reflect.Type) bool {
		if len(in) != len(types) {
			return false
		}
		for i, t := range types {
			if in[i].typ != t {
				return false
			}
		}
		return true
	}
	str := func(e expr) func(*run, int, reflect.Value) string {
		if e.str != nil {
			return e.str
		}
		return func(r *run, fr int, dot reflect.Value) string { return e.val(r, fr, dot).String() }
	}
	switch f := fn.Interface().(type) {
	case func() string:
		if is() {
			return stringExpr(func(*run, int, reflect.Value) string { return f() }), true
		}
	case func(string) string:
		if is(stringType) {
			a := str(in[0])
			return stringExpr(func(r *run, fr int, dot reflect.Value) string { return f(a(r, fr, dot)) }), true
		}
	case func(string) bool:
		if is(stringType) {
			a := str(in[0])
			return expr{typ: reflect.TypeFor[bool](), val: func(r *run, fr int, dot reflect.Value) reflect.Value {
				return reflect.ValueOf(f(a(r, fr, dot)))
			}}, true
		}
	case func(time.Time) string:
		if is(timeType) {
			a := in[0].val
			return stringExpr(func(r *run, fr int, dot reflect.Value) string {
				return f(a(r, fr, dot).Interface().(time.Time))
			}), true
		}
	case func(int64) string:
		if is(reflect.TypeFor[int64]()) {
			a := in[0].val
			return stringExpr(func(r *run, fr int, dot reflect.Value) string { return f(a(r, fr, dot).Int()) }), true
		}
	case func([]string) string:
		if is(reflect.TypeFor[[]string]()) {
			a := in[0].val
			return stringExpr(func(r *run, fr int, dot reflect.Value) string {
				return f(a(r, fr, dot).Interface().([]string))
			}), true
		}
	case func(string, ...any) (string, error):
		if len(in) >= 1 && in[0].typ == stringType {
			name, rest := str(in[0]), in[1:]
			return stringExpr(func(r *run, fr int, dot reflect.Value) string {
				args := make([]any, len(rest))
				for i, e := range rest {
					args[i] = e.val(r, fr, dot).Interface()
				}
				s, err := f(name(r, fr, dot), args...)
				if err != nil {
					r.fail("%v", err)
				}
				return s
			}), true
		}
	}
	return expr{}, false
}

// builtin compiles the builtins of text/template that templates use
// most, for arguments of the types they compare as text/template does.
func builtin(name string, in []expr) (expr, error) {
	boolT := reflect.TypeFor[bool]()
	switch name {
	case "not":
		if len(in) != 1 {
			break
		}
		a := in[0].val
		return expr{typ: boolT, val: func(r *run, fr int, dot reflect.Value) reflect.Value {
			t, _ := isTrue(a(r, fr, dot))
			return reflect.ValueOf(!t)
		}}, nil
	case "and", "or":
		if len(in) == 0 {
			break
		}
		typ := in[0].typ
		for _, e := range in {
			if e.typ != typ {
				typ = mixedType
			}
		}
		or := name == "or"
		return expr{typ: typ, val: func(r *run, fr int, dot reflect.Value) reflect.Value {
			var v reflect.Value
			for _, e := range in {
				v = e.val(r, fr, dot)
				if t, _ := isTrue(v); t == or {
					return v
				}
			}
			return v
		}}, nil
	case "eq", "ne":
		if len(in) < 2 || name == "ne" && len(in) != 2 {
			break
		}
		k := basicKind(in[0].typ)
		for _, e := range in[1:] {
			if basicKind(e.typ) != k {
				return expr{}, errUnsupported
			}
		}
		if k == otherKind {
			break
		}
		ne := name == "ne"
		return expr{typ: boolT, val: func(r *run, fr int, dot reflect.Value) reflect.Value {
			a := in[0].val(r, fr, dot)
			for _, e := range in[1:] {
				if equal(k, a, e.val(r, fr, dot)) {
					return reflect.ValueOf(!ne)
				}
			}
			return reflect.ValueOf(ne)
		}}, nil
	case "lt", "le", "gt", "ge":
		if len(in) != 2 {
			break
		}
		k := basicKind(in[0].typ)
		if basicKind(in[1].typ) != k || k == otherKind || k == boolKind {
			break
		}
		return expr{typ: boolT, val: func(r *run, fr int, dot reflect.Value) reflect.Value {
			c := compare(k, in[0].val(r, fr, dot), in[1].val(r, fr, dot))
			switch name {
			case "lt":
				return reflect.ValueOf(c < 0)
			case "le":
				return reflect.ValueOf(c <= 0)
			case "gt":
				return reflect.ValueOf(c > 0)
			}
			return reflect.ValueOf(c >= 0)
		}}, nil
	case "len":
		if len(in) != 1 {
			break
		}
		switch in[0].typ.Kind() {
		case reflect.String, reflect.Slice, reflect.Array:
			a := in[0].val
			return expr{typ: reflect.TypeFor[int](), val: func(r *run, fr int, dot reflect.Value) reflect.Value {
				return reflect.ValueOf(a(r, fr, dot).Len())
			}}, nil
		}
	case "index":
		if len(in) != 2 || basicKind(in[1].typ) != intKind {
			break
		}
		switch in[0].typ.Kind() {
		case reflect.Slice, reflect.Array:
			item, at := in[0].val, in[1].val
			return expr{typ: in[0].typ.Elem(), val: func(r *run, fr int, dot reflect.Value) reflect.Value {
				v, i := item(r, fr, dot), at(r, fr, dot).Int()
				if i < 0 || i >= int64(v.Len()) {
					r.fail("index out of range: %d", i)
				}
				return v.Index(int(i))
			}}, nil
		}
	case "printf":
		if len(in) < 1 || in[0].typ != stringType {
			break
		}
		return stringExpr(func(r *run, fr int, dot reflect.Value) string {
			args := make([]any, len(in)-1)
			for i, e := range in[1:] {
				args[i] = e.val(r, fr, dot).Interface()
			}
			return fmt.Sprintf(in[0].val(r, fr, dot).String(), args...)
		}), nil
	}
	return expr{}, errUnsupported
}

// The kinds of values eq and lt compare (text/template's basicKind).
type kind2 int

const (
	otherKind kind2 = iota
	boolKind
	intKind
	uintKind
	stringKind
)

func basicKind(t reflect.Type) kind2 {
	switch t.Kind() {
	case reflect.Bool:
		return boolKind
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intKind
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintKind
	case reflect.String:
		return stringKind
	}
	return otherKind
}

func equal(k kind2, a, b reflect.Value) bool {
	switch k {
	case boolKind:
		return a.Bool() == b.Bool()
	case intKind:
		return a.Int() == b.Int()
	case uintKind:
		return a.Uint() == b.Uint()
	}
	return a.String() == b.String()
}

func compare(k kind2, a, b reflect.Value) int {
	switch k {
	case intKind:
		return cmpOrdered(a.Int(), b.Int())
	case uintKind:
		return cmpOrdered(a.Uint(), b.Uint())
	}
	return strings.Compare(a.String(), b.String())
}

func cmpOrdered[T int64 | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// isTrue is text/template's truth, for the values compiled templates
// hold (no interfaces).
func isTrue(v reflect.Value) (truth, ok bool) {
	if !v.IsValid() {
		return false, true
	}
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() > 0, true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Complex64, reflect.Complex128:
		return v.Complex() != 0, true
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		return !v.IsNil(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() != 0, true
	case reflect.Float32, reflect.Float64:
		return v.Float() != 0, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() != 0, true
	case reflect.Struct:
		return true, true
	}
	return false, false
}

// printer compiles the printing of a value as text/template's
// printValue prints it: a string, an integer or a bool with no String
// or Error method written as it is, anything else through fmt.Fprint.
func printer(e expr) node {
	t := e.typ
	plain := true
	for _, m := range []reflect.Type{stringer, errorType, formatter} {
		plain = plain && !t.Implements(m) && !reflect.PointerTo(t).Implements(m)
	}
	switch {
	case plain && e.str != nil:
		str := e.str
		return func(r *run, fr int, dot reflect.Value) { r.w.WriteString(str(r, fr, dot)) }
	case plain && t.Kind() == reflect.String:
		val := e.val
		return func(r *run, fr int, dot reflect.Value) { r.w.WriteString(val(r, fr, dot).String()) }
	case plain && basicKind(t) == intKind:
		val := e.val
		return func(r *run, fr int, dot reflect.Value) {
			r.w.Write(strconv.AppendInt(r.w.AvailableBuffer(), val(r, fr, dot).Int(), 10))
		}
	}
	val := e.val
	return func(r *run, fr int, dot reflect.Value) {
		v, ok := printable(val(r, fr, dot))
		if !ok {
			r.fail("can't print value of type %s", t)
		}
		fmt.Fprint(r.w, v)
	}
}

// printable is text/template's printableValue.
func printable(v reflect.Value) (any, bool) {
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() {
		return "<no value>", true
	}
	if !v.Type().Implements(errorType) && !v.Type().Implements(stringer) {
		if v.CanAddr() && (reflect.PointerTo(v.Type()).Implements(errorType) || reflect.PointerTo(v.Type()).Implements(stringer)) {
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
