using System.Runtime.CompilerServices;
using Ferry.Templates.Formatting;
using Ferry.Templates.Functions;
using Ferry.Templates.Syntax;
using Ferry.Templates.Values;

namespace Ferry.Templates.Execution;

/// <summary>Expression evaluation: pipelines, commands, arguments, fields and calls.</summary>
internal sealed partial class Executor
{
    private object? EvalPipeline(object? dot, PipeNode? pipe)
    {
        if (pipe is null)
        {
            return null;
        }
        At(pipe);
        var value = Missing;
        foreach (var cmd in pipe.Cmds)
        {
            // Go digs into an interface{} result; a nil one becomes "no value"
            value = Unwrap(EvalCommand(dot, cmd, value));
        }
        foreach (var variable in pipe.Decl)
        {
            if (pipe.IsAssign)
            {
                SetVar(variable.Ident[0], value);
            }
            else
            {
                Push(variable.Ident[0], value);
            }
        }
        return value;
    }

    private object? EvalCommand(object? dot, CommandNode cmd, object? final)
    {
        Step();
        var firstWord = cmd.Args[0];
        switch (firstWord)
        {
            case FieldNode f:
                return EvalFieldNode(dot, f, cmd.Args, final);
            case ChainNode c:
                return EvalChainNode(dot, c, cmd.Args, final);
            case IdentifierNode id:
                return EvalFunction(dot, id, cmd, cmd.Args, final);
            case PipeNode p:
                NotAFunction(cmd.Args, final);
                if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
                {
                    Errorf("expression nested too deeply");
                }
                return EvalPipeline(dot, p);
            case VariableNode v:
                return EvalVariableNode(dot, v, cmd.Args, final);
        }
        At(firstWord);
        NotAFunction(cmd.Args, final);
        switch (firstWord)
        {
            case BoolNode b:
                return b.True;
            case DotNode:
                return dot;
            case NilNode:
                Errorf("nil is not a command");
                break;
            case NumberNode n:
                return IdealConstant(n);
            case StringNode s:
                return s.Text;
        }
        Errorf($"can't evaluate command {GoQuote.Quote(firstWord.ToString())}");
        return null;
    }

    private object? IdealConstant(NumberNode constant)
    {
        At(constant);
        var text = constant.Text;
        if (constant.IsComplex)
        {
            return constant.Complex128;
        }
        var isHexInt = text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') && text.IndexOfAny(['p', 'P']) < 0;
        var isRuneInt = text.Length > 0 && text[0] == '\'';
        if (constant.IsFloat && !isHexInt && !isRuneInt && text.IndexOfAny(['.', 'e', 'E', 'p', 'P']) >= 0)
        {
            return constant.Float64;
        }
        if (constant.IsInt)
        {
            return constant.Int64;
        }
        if (constant.IsUint)
        {
            Errorf($"{text} overflows int");
        }
        return null;
    }

    private void NotAFunction(List<Node>? args, object? final)
    {
        if ((args is not null && args.Count > 1) || !ReferenceEquals(final, Missing))
        {
            Errorf($"can't give argument to non-function {args![0]}");
        }
    }

    private object? EvalFieldNode(object? dot, FieldNode field, List<Node>? args, object? final)
    {
        At(field);
        return EvalFieldChain(dot, dot, field, field.Ident, args, final, _dotInterface);
    }

    private object? EvalChainNode(object? dot, ChainNode chain, List<Node>? args, object? final)
    {
        At(chain);
        if (chain.Field.Count == 0)
        {
            Errorf("internal error: no fields in evalChainNode");
        }
        if (chain.Node is NilNode)
        {
            Errorf($"indirection through explicit nil in {chain}");
        }
        var pipe = EvalArg(dot, chain.Node);
        return EvalFieldChain(dot, pipe, chain, chain.Field, args, final);
    }

    private object? EvalVariableNode(object? dot, VariableNode variable, List<Node>? args, object? final)
    {
        At(variable);
        var value = VarValue(variable.Ident[0]);
        if (variable.Ident.Length == 1)
        {
            NotAFunction(args, final);
            return value;
        }
        return EvalFieldChain(dot, value, variable, variable.Ident.AsSpan(1).ToArray(), args, final, VarIsInterface(variable.Ident[0]));
    }

    private object? EvalFieldChain(object? dot, object? receiver, Node node, IReadOnlyList<string> ident, List<Node>? args, object? final,
        bool receiverInterface = false)
    {
        var n = ident.Count;
        var fromMap = receiverInterface;
        for (var i = 0; i < n - 1; i++)
        {
            var next = EvalField(dot, ident[i], node, null, Missing, receiver, fromMap);
            fromMap = receiver is IDictionary<string,
                object?> and not ITemplateObject and (not GoTypedDictionary or GoTypedDictionary { HoldsInterfaces: true });
            receiver = next;
        }
        return EvalField(dot, ident[n - 1], node, args, final, receiver, fromMap);
    }

    /// <param name="interfaceTyped">The receiver came out of a <c>map[string]interface {}</c>, so Go names its type <c>interface {}</c>.</param>
    private object? EvalField(object? dot, string fieldName, Node node, List<Node>? args, object? final, object? receiver,
        bool interfaceTyped = false)
    {
        if (ReferenceEquals(receiver, NilInterface))
        {
            // a nil inside an interface{} (a map entry holding null, or a missing one under missingkey=zero)
            Errorf($"nil pointer evaluating interface {{}}.{fieldName}");
        }
        if (receiver is null)
        {
            if (_options.MissingKey == MissingKeyMode.Error)
            {
                Errorf($"nil data; no entry for key {GoQuote.Quote(fieldName)}");
            }
            return null;
        }
        var hasArgs = (args is not null && args.Count > 1) || !ReferenceEquals(final, Missing);
        if (receiver is ITemplateObject withMethods && withMethods.TryGetMethod(fieldName, out var boundMethod) && boundMethod is not null)
        {
            return EvalCall(dot, boundMethod, false, node, fieldName, args, final);
        }
        switch (receiver)
        {
            case IDictionary<string, object?> map:
                if (hasArgs)
                {
                    Errorf($"{fieldName} is not a method but has arguments");
                }
                if (map.TryGetValue(fieldName, out var value))
                {
                    return value ?? NilInterface;
                }
                if (_options.MissingKey == MissingKeyMode.Error)
                {
                    Errorf($"map has no entry for key {GoQuote.Quote(fieldName)}");
                }
                // missingkey=zero gives the zero of the map's element type: "" from a map[string]string
                return _options.MissingKey != MissingKeyMode.Zero ? null
                    : map is GoTypedDictionary { GoTypeName: "map[string]string" } ? "" : NilInterface;
            case ITemplateObject obj:
                if (obj.TryGetMethod(fieldName, out var method) && method is not null)
                {
                    return EvalCall(dot, method, false, node, fieldName, args, final);
                }
                if (obj.TryGetField(fieldName, out var fieldValue))
                {
                    if (hasArgs)
                    {
                        Errorf($"{fieldName} has arguments but cannot be invoked as function");
                    }
                    return fieldValue;
                }
                break;
        }
        Errorf($"can't evaluate field {fieldName} in type {(interfaceTyped ? "interface {}" : GoValue.TypeName(receiver))}");
        return null;
    }

    private object? EvalFunction(object? dot, IdentifierNode node, Node cmd, List<Node>? args, object? final)
    {
        At(node);
        var name = node.Ident;
        if (!_set.Functions.TryGet(name, out var function))
        {
            Errorf($"{GoQuote.Quote(name)} is not a defined function");
        }
        return EvalCall(dot, function, true, cmd, name, args, final);
    }

    private object? EvalCall(object? dot, TemplateFunction fun, bool isBuiltin, Node node, string name, List<Node>? args, object? final)
    {
        var argNodes = args is null || args.Count == 0 ? [] : args.GetRange(1, args.Count - 1);
        var hasFinal = !ReferenceEquals(final, Missing);
        var numIn = argNodes.Count + (hasFinal ? 1 : 0);
        if (fun.IsVariadic)
        {
            if (numIn < fun.MinArgs)
            {
                Errorf($"wrong number of args for {name}: want at least {fun.MinArgs} got {numIn}");
            }
        }
        else if (numIn < fun.MinArgs || numIn > fun.MaxArgs)
        {
            Errorf($"wrong number of args for {name}: want {fun.MaxArgs} got {numIn}");
        }

        if (isBuiltin && name is Builtins.And or Builtins.Or)
        {
            object? v = null;
            foreach (var arg in argNodes)
            {
                v = EvalArg(dot, arg);
                if (GoValue.IsTrue(v) == (name == Builtins.Or))
                {
                    return v;
                }
            }
            if (hasFinal)
            {
                v = final;
            }
            return v;
        }

        var argv = new object?[numIn];
        for (var i = 0; i < argNodes.Count; i++)
        {
            argv[i] = fun.Params is null ? EvalArg(dot, argNodes[i]) : EvalTypedArg(dot, ParamKind(fun.Params, i), argNodes[i]);
        }
        if (hasFinal)
        {
            if (fun.Params is not null)
            {
                // Go checks the piped-in value without moving its position: the failure is reported at the last argument
                final = CheckParam(ParamKind(fun.Params, numIn - 1), final);
            }
            argv[numIn - 1] = final;
        }

        if (isBuiltin && name == Builtins.Len && argv.Length == 1 && argv[0] is null && !(argNodes.Count == 1 && IsFieldAccess(argNodes[0])))
        {
            // Go hands len a reflect.Value: a nil reached through a field (.a, $x.a, (x).a) is a nil interface ("len of
            // nil pointer"); a piped, parenthesised, variable or literal nil is no Value at all, and len panics on it.
            At(node);
            Errorf("error calling len: reflect: call of reflect.Value.Type on zero Value");
        }

        if (isBuiltin && name == Builtins.Call)
        {
            var calleeName = argNodes.Count == 0 ? GoFmt.FormatValue(final) : argNodes[0].ToString();
            return CallFunctionValue(node, calleeName, argv);
        }

        return Invoke(node, name, fun, argv);
    }

    private static bool IsFieldAccess(Node arg) => arg is FieldNode or ChainNode or IdentifierNode || arg is VariableNode { Ident.Length: > 1 };

    private object? CallFunctionValue(Node node, string calleeName, object?[] argv)
    {
        var fn = argv[0];
        At(node);
        if (fn is null)
        {
            Errorf("error calling call: call of nil");
        }
        if (fn is not TemplateFunction f)
        {
            Errorf($"error calling call: non-function {calleeName} of type {GoValue.TypeName(fn)}");
            return null;
        }
        var rest = argv[1..];
        if (f.IsVariadic ? rest.Length < f.MinArgs : rest.Length < f.MinArgs || rest.Length > f.MaxArgs)
        {
            Errorf($"error calling call: wrong number of args for {calleeName}: got {rest.Length} want {f.MinArgs}");
        }
        return Invoke(node, "call", f, rest);
    }

    private object? Invoke(Node node, string name, TemplateFunction fun, object?[] argv)
    {
        // Errors are rethrown after the catch block has finished: .NET runs catch handlers on top of the
        // faulting stack, so wrapping inside the handler would double the stack of deeply nested includes.
        Exception failure;
        try
        {
            return fun.Invoke(argv);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InsufficientExecutionStackException)
        {
            failure = e;
        }
        At(node);
        if (failure is ArgumentTypeException)
        {
            Errorf(failure.Message, failure);
        }
        Errorf($"error calling {name}: {failure.Message}", failure);
        return null;
    }

    private static GoParam ParamKind(IReadOnlyList<GoParam> kinds, int index) => kinds[Math.Min(index, kinds.Count - 1)];

    private static string ParamTypeName(GoParam kind) => kind switch
    {
        GoParam.String => "string",
        GoParam.Int => "int",
        GoParam.Uint32 => "uint32",
        GoParam.Float64 => "float64",
        GoParam.Bool => "bool",
        GoParam.Map => "map[string]interface {}",
        GoParam.Values => "common.Values",
        GoParam.List => "[]interface {}",
        GoParam.Time => "time.Time",
        GoParam.Certificate => "sprig.certificate",
        _ => "interface {}",
    };

    /// <summary>
    /// Go's evalArg for a declared parameter type: a literal must be of the parameter's kind (a string for a string,
    /// an integer constant for an int...), anything else is evaluated and checked by <see cref="CheckParam"/>. The
    /// location of a failure is the argument.
    /// </summary>
    private object? EvalTypedArg(object? dot, GoParam kind, Node n)
    {
        if (kind == GoParam.Any)
        {
            return EvalArg(dot, n);
        }
        At(n);
        var typeName = ParamTypeName(kind);
        switch (n)
        {
            case NilNode:
                if (kind is GoParam.Map or GoParam.Values or GoParam.List)
                {
                    return null;
                }
                Errorf($"cannot assign nil to {typeName}");
                return null;
            case StringNode str:
                if (kind != GoParam.String)
                {
                    LiteralMismatch(kind, n);
                }
                return str.Text;
            case NumberNode num:
                switch (kind)
                {
                    case GoParam.Int when num.IsInt:
                        return num.Int64;
                    case GoParam.Uint32 when num.IsUint:
                        return unchecked((uint)num.Uint64);
                    case GoParam.Float64 when num.IsFloat:
                        return num.Float64;
                }
                LiteralMismatch(kind, n);
                return null;
            case BoolNode b:
                if (kind != GoParam.Bool)
                {
                    LiteralMismatch(kind, n);
                }
                return b.True;
            default:
                return CheckParam(kind, EvalArgValue(dot, n));
        }
    }

    private void LiteralMismatch(GoParam kind, Node n)
    {
        var expected = kind switch
        {
            GoParam.String => "string",
            GoParam.Int => "integer",
            GoParam.Uint32 => "unsigned integer",
            GoParam.Float64 => "float",
            GoParam.Bool => "bool",
            _ => null,
        };
        Errorf(expected is null ? $"can't handle {n} for arg of type {ParamTypeName(kind)}" : $"expected {expected}; found {n}");
    }

    /// <summary>
    /// Go's validateType for a declared parameter: "no value" becomes the zero value of a nil-able type (and is an
    /// error for others); a nil interface only fits <c>interface {}</c>; otherwise the value must have the type.
    /// </summary>
    private object? CheckParam(GoParam kind, object? value)
    {
        if (kind == GoParam.Any)
        {
            return Unwrap(value);
        }
        var typeName = ParamTypeName(kind);
        if (value is null)
        {
            if (kind is GoParam.Map or GoParam.Values or GoParam.List)
            {
                return null;
            }
            Errorf($"invalid value; expected {typeName}");
        }
        var fits = kind switch
        {
            GoParam.String => value is string,
            GoParam.Int => value is long,
            GoParam.Uint32 => value is uint,
            GoParam.Float64 => value is double,
            GoParam.Bool => value is bool,
            GoParam.Map or GoParam.Values => value is IDictionary<string, object?> and not ITemplateObject
                && (value is not GoTypedDictionary typed || typed.GoTypeName is "common.Values"),
            GoParam.List => value is List<object?> and not GoTypedList or object?[],
            GoParam.Time => value is Time.GoTime,
            _ => value is Functions.Sprig.CertificateValue,
        };
        if (!fits)
        {
            Errorf($"wrong type for value; expected {typeName}" +
                $"; got {(ReferenceEquals(value, NilInterface) ? "interface {}" : GoValue.TypeName(value))}");
        }
        return value;
    }

    /// <summary>Evaluates an argument for an <c>interface{}</c> parameter (Go's evalEmptyInterface).</summary>
    private object? EvalArg(object? dot, Node n) => Unwrap(EvalArgValue(dot, n));

    private object? EvalArgValue(object? dot, Node n)
    {
        At(n);
        switch (n)
        {
            case DotNode:
                return dot;
            case NilNode:
                return null;
            case FieldNode f:
                return EvalFieldNode(dot, f, [n], Missing);
            case VariableNode v:
                return EvalVariableNode(dot, v, null, Missing);
            case PipeNode p:
                if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
                {
                    Errorf("expression nested too deeply");
                }
                return EvalPipeline(dot, p);
            case IdentifierNode id:
                return EvalFunction(dot, id, id, null, Missing);
            case ChainNode c:
                return EvalChainNode(dot, c, null, Missing);
            case BoolNode b:
                return b.True;
            case NumberNode num:
                return IdealConstant(num);
            case StringNode s:
                return s.Text;
        }
        Errorf($"can't handle {n} for arg of type interface {{}}");
        return null;
    }
}
