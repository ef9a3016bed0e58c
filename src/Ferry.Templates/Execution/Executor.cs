using System.Collections;
using System.Runtime.CompilerServices;
using Ferry.Templates.Formatting;
using Ferry.Templates.Functions;
using Ferry.Templates.Syntax;
using Ferry.Templates.Values;

namespace Ferry.Templates.Execution;

/// <summary>
/// Walks a parsed tree against data with Go's text/template execution semantics: pipelines, variables,
/// field chains, function calls, control structures and error messages with location and context.
/// </summary>
internal sealed partial class Executor
{
    /// <summary>Marks "no final argument" for a pipeline's first command (Go's missingVal).</summary>
    private static readonly object Missing = new();

    /// <summary>
    /// A nil held in an <c>interface{}</c> (Go's valid-but-nil value), as opposed to <c>null</c>, Go's "no value":
    /// a map entry holding null, a missing key under <c>missingkey=zero</c>, a null element being ranged over.
    /// Reading a field of it fails ("nil pointer evaluating interface {}.x"); pipelines and arguments see null.
    /// </summary>
    private static readonly object NilInterface = new();

    private static object? Unwrap(object? v) => ReferenceEquals(v, NilInterface) ? null : v;

    private readonly Template _set;
    private readonly TextWriter _out;
    private readonly CancellationToken _cancellationToken;
    private readonly List<Variable> _vars = [];
    private readonly TemplateOptions _options;
    private Tree _tmpl = null!;
    private Node? _node;
    private int _frameBase;
    private int _depth;
    private long _steps;
    private long _written;

    private struct Variable(string name, object? value, bool isInterface = false)
    {
        public string Name = name;
        public object? Value = value;

        /// <summary>The value came out of an <c>interface{}</c> (a ranged element): Go names its type so in errors.</summary>
        public bool Interface = isInterface;
    }

    /// <summary>Dot is an element ranged over from an <c>[]interface {}</c> or <c>map[string]interface {}</c>.</summary>
    private bool _dotInterface;

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public Executor(Template set, TextWriter output, CancellationToken cancellationToken)
    {
        _set = set;
        _out = output;
        _cancellationToken = cancellationToken;
        _options = set.Options;
    }

    public void Run(Tree tree, object? data)
    {
        _tmpl = tree;
        _vars.Add(new Variable("$", data));
        Walk(data, tree.Root);
    }

    // --- errors ---
    private TemplateException Errorf(string message, Exception? inner = null)
    {
        var name = _tmpl.Name;
        if (_node is null)
        {
            throw new TemplateException(TemplatePhase.Execute, $"template: {name}: {message}", name, inner: inner);
        }
        var location = Tree.Location(_node);
        throw new TemplateException(
            TemplatePhase.Execute,
            $"template: {location}: executing \"{name}\" at <{_node}>: {message}",
            _node.Tree.ParseName,
            location.Line,
            location.Column,
            inner);
    }

    private void At(Node node) => _node = node;

    private void Step()
    {
        if (++_steps > _options.MaxSteps)
        {
            Errorf($"render budget exceeded: more than {_options.MaxSteps} steps (raise TemplateOptions.MaxSteps if this template is " +
                "legitimately that large)");
        }
        if ((_steps & 0xFFF) == 0 && _cancellationToken.IsCancellationRequested)
        {
            Errorf("rendering was cancelled");
        }
    }

    private void Write(string s) => Write(s.AsSpan());

    private void Write(ReadOnlySpan<char> s)
    {
        _written += s.Length;
        if (_written > _options.MaxOutputChars)
        {
            Errorf($"render budget exceeded: output larger than {_options.MaxOutputChars} characters");
        }
        _out.Write(s);
    }

    // --- variables ---
    private int Mark() => _vars.Count;

    private void Pop(int mark) => _vars.RemoveRange(mark, _vars.Count - mark);

    private void Push(string name, object? value) => _vars.Add(new Variable(name, value));

    private void SetVar(string name, object? value, bool isInterface = false)
    {
        for (var i = _vars.Count - 1; i >= _frameBase; i--)
        {
            if (_vars[i].Name == name)
            {
                _vars[i] = new Variable(name, value, isInterface);
                return;
            }
        }
        Errorf($"undefined variable: {name}");
    }

    private void SetTopVar(int n, object? value, bool isInterface = false)
    {
        var i = _vars.Count - n;
        _vars[i] = new Variable(_vars[i].Name, value, isInterface);
    }

    private bool VarIsInterface(string name)
    {
        for (var i = _vars.Count - 1; i >= _frameBase; i--)
        {
            if (_vars[i].Name == name)
            {
                return _vars[i].Interface;
            }
        }
        return false;
    }

    private object? VarValue(string name)
    {
        for (var i = _vars.Count - 1; i >= _frameBase; i--)
        {
            if (_vars[i].Name == name)
            {
                return _vars[i].Value;
            }
        }
        Errorf($"undefined variable: {name}");
        return null;
    }

    // --- walking ---
    private Flow Walk(object? dot, Node node)
    {
        Step();
        switch (node)
        {
            case ActionNode a:
                {
                    var val = EvalPipeline(dot, a.Pipe);
                    if (a.Pipe.Decl.Count == 0)
                    {
                        PrintValue(a, val);
                    }
                    return Flow.Normal;
                }
            case TextNode t:
                Write(t.Memory.Span);
                return Flow.Normal;
            case ListNode l:
                foreach (var n in l.Nodes)
                {
                    var f = Walk(dot, n);
                    if (f != Flow.Normal)
                    {
                        return f;
                    }
                }
                return Flow.Normal;
            case BranchNode { Kind: BranchKind.Range } r:
                WalkRange(dot, r);
                return Flow.Normal;
            case BranchNode b:
                return WalkIfOrWith(b, dot);
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            case CommentNode:
                return Flow.Normal;
            case TemplateNode t:
                WalkTemplate(dot, t);
                return Flow.Normal;
            default:
                Errorf($"unknown node: {node}");
                return Flow.Normal;
        }
    }

    private Flow WalkIfOrWith(BranchNode b, object? dot)
    {
        var mark = Mark();
        try
        {
            var val = EvalPipeline(dot, b.Pipe);
            var truth = GoValue.IsTrue(val, out var ok);
            if (!ok)
            {
                Errorf($"if/with can't use {GoFmt.FormatValue(val)}");
            }
            if (truth)
            {
                if (b.Kind != BranchKind.With)
                {
                    return Walk(dot, b.List);
                }
                var saved = _dotInterface;
                _dotInterface = false;
                try
                {
                    return Walk(val, b.List);
                }
                finally
                {
                    _dotInterface = saved;
                }
            }
            if (b.ElseList is not null)
            {
                return Walk(dot, b.ElseList);
            }
            return Flow.Normal;
        }
        finally
        {
            Pop(mark);
        }
    }

    private void WalkRange(object? dot, BranchNode r)
    {
        At(r);
        var outer = Mark();
        try
        {
            var val = EvalPipeline(dot, r.Pipe);
            var mark = Mark();
            switch (val)
            {
                case IDictionary<string, object?> map when map.Count > 0:
                    var mapOfInterfaces = map is GoTypedDictionary typed ? typed.HoldsInterfaces : map is not ITemplateObject;
                    foreach (var key in GoValue.SortedKeys(map))
                    {
                        if (OneIteration(r, key, map[key], mark, mapOfInterfaces) == Flow.Break)
                        {
                            break;
                        }
                    }
                    return;
                case IList list when list.Count > 0:
                    var listOfInterfaces = list is List<object?> and not GoTypedList;
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (OneIteration(r, (long)i, list[i], mark, listOfInterfaces) == Flow.Break)
                        {
                            break;
                        }
                    }
                    return;
                case long or nint or int or short or sbyte or ulong or uint or ushort or byte:
                    {
                        if (r.Pipe.Decl.Count > 1)
                        {
                            Errorf($"can't use {GoFmt.FormatValue(val)} to iterate over more than one variable");
                        }
                        var unsigned = val is ulong or uint or ushort or byte;
                        var n = unsigned ? (long)Math.Min(GoValue.ToUInt64(val), long.MaxValue) : GoValue.ToInt64(val);
                        if (n <= 0)
                        {
                            break;
                        }
                        for (long i = 0; i < n; i++)
                        {
                            object boxed = unsigned ? Convert(val, (ulong)i) : Convert(val, i);
                            if (OneIteration(r, boxed, boxed, mark) == Flow.Break)
                            {
                                break;
                            }
                        }
                        return;
                    }
                case IDictionary<string, object?> or IList or null:
                    break;
                default:
                    Errorf($"range can't iterate over {GoFmt.FormatValue(val)}");
                    break;
            }
            if (r.ElseList is not null)
            {
                Walk(dot, r.ElseList);
            }
        }
        finally
        {
            Pop(outer);
        }
    }

    // each arm boxed as itself: without the casts to object the switch's common type (long, ulong) would widen them all
    private static object Convert(object like, long i) => like switch
    {
        nint => (object)(nint)i,
        int => (object)(int)i,
        short => (object)(short)i,
        sbyte => (object)(sbyte)i,
        _ => (object)i,
    };

    private static object Convert(object like, ulong i) => like switch
    {
        uint => (object)(uint)i,
        ushort => (object)(ushort)i,
        byte => (object)(byte)i,
        _ => (object)i,
    };

    private Flow OneIteration(BranchNode r, object? index, object? elem, int mark, bool elemInterface = false)
    {
        Step();
        if (elemInterface)
        {
            elem ??= NilInterface; // elements of []interface{} and map[string]interface{} are interface values
        }
        var decl = r.Pipe.Decl;
        if (decl.Count > 0)
        {
            if (r.Pipe.IsAssign)
            {
                if (decl.Count > 1)
                {
                    SetVar(decl[0].Ident[0], index);
                    SetVar(decl[1].Ident[0], elem, elemInterface);
                }
                else
                {
                    SetVar(decl[0].Ident[0], elem, elemInterface);
                }
            }
            else
            {
                SetTopVar(1, elem, elemInterface);
                if (decl.Count > 1)
                {
                    SetTopVar(2, index);
                }
            }
        }
        var saved = _dotInterface;
        _dotInterface = elemInterface;
        try
        {
            var f = Walk(elem, r.List);
            return f == Flow.Break ? Flow.Break : Flow.Normal;
        }
        finally
        {
            _dotInterface = saved;
            Pop(mark);
        }
    }

    private void WalkTemplate(object? dot, TemplateNode t)
    {
        At(t);
        var tmpl = _set.Lookup(t.Name);
        if (tmpl is null)
        {
            Errorf($"template \"{t.Name}\" not defined");
        }
        if (_depth >= _options.MaxTemplateDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            Errorf($"exceeded maximum template depth ({_options.MaxTemplateDepth})");
        }
        dot = EvalPipeline(dot, t.Pipe);
        var savedTmpl = _tmpl;
        var savedBase = _frameBase;
        var mark = Mark();
        _depth++;
        _tmpl = tmpl!;
        _frameBase = mark;
        var savedInterface = _dotInterface;
        _dotInterface = false;
        Push("$", dot);
        try
        {
            Walk(dot, tmpl!.Root);
        }
        finally
        {
            _dotInterface = savedInterface;
            Pop(mark);
            _frameBase = savedBase;
            _tmpl = savedTmpl;
            _depth--;
        }
    }

    /// <summary>Renders another template of the set into a string (for Helm's <c>include</c>).</summary>
    public string ExecuteNested(string name, object? data)
    {
        var tmpl = _set.Lookup(name) ?? throw new TemplateFunctionException($"template \"{name}\" not defined");
        var sw = new StringWriter();
        var nested = new Executor(_set, sw, _cancellationToken) { _depth = _depth + 1 };
        if (nested._depth >= _options.MaxTemplateDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateFunctionException($"exceeded maximum template depth ({_options.MaxTemplateDepth})");
        }
        nested.Run(tmpl, data);
        return sw.ToString();
    }

    private void PrintValue(Node n, object? v)
    {
        At(n);
        if (v is TemplateFunction)
        {
            Errorf($"can't print {n} of type {GoValue.TypeName(v)}");
        }
        string text;
        try
        {
            text = v switch
            {
                null => "<no value>",
                ITemplateStringer s => s.TemplateString(),
                _ => GoFmt.FormatValue(v),
            };
        }
        catch (TemplateFunctionException e)
        {
            throw Errorf($"can't print {n}: {e.Message}");
        }
        Write(text);
    }
}
