using Ferry.Templates.Formatting;
using Ferry.Templates.Lexing;
using Ferry.Templates.Syntax;

namespace Ferry.Templates.Parsing;

/// <summary>
/// Parses template source into trees with Go's text/template grammar. One call yields the main tree and every
/// tree introduced by <c>define</c> or <c>block</c>, keyed by name.
/// </summary>
public sealed class Parser
{
    private readonly Lexer _lexer;
    private readonly StringPool _pool;
    private readonly string _parseName;
    private readonly string _text;
    private readonly Func<string, bool> _hasFunction;
    private readonly Func<string, string?>? _whyMissing;
    private readonly Dictionary<string, Tree> _treeSet;

    private Parser(string parseName, string text, Lexer lexer, Func<string, bool> hasFunction, Func<string, string?>? whyMissing, Dictionary<string,
        Tree> treeSet, StringPool pool)
    {
        _pool = pool;
        _whyMissing = whyMissing;
        _parseName = parseName;
        _text = text;
        _lexer = lexer;
        _hasFunction = hasFunction;
        _treeSet = treeSet;
    }

    /// <summary>Parses <paramref name="text"/> as template <paramref name="name"/>; returns all trees it defines.</summary>
    /// <param name="pool">Interns names across the templates of one set (see <see cref="StringPool"/>).</param>
    public static Dictionary<string,
        Tree> Parse(string name, string text, string? leftDelim, string? rightDelim, Func<string, bool> hasFunction, Func<string,
            string?>? whyMissing = null, StringPool? pool = null)
    {
        pool ??= new StringPool();
        var tokens = new Lexer(text, leftDelim, rightDelim, pool: pool);
        var treeSet = new Dictionary<string, Tree>(StringComparer.Ordinal);
        var parser = new Parser(name, text, tokens, hasFunction, whyMissing, treeSet, pool);
        var main = new TreeParser(parser, new Tree(name, name, text));
        main.ParseTop();
        main.Add();
        return treeSet;
    }

    internal Token NextToken() => _lexer.NextToken();

    /// <summary>The name of a field token (<c>.Name</c>), from the pool.</summary>
    internal string FieldName(string token) => token.Length > 1 && token[0] == '.'
        ? _pool.Get(token.AsSpan(1))
        : throw new InvalidOperationException($"field token {token} has no name");

    /// <summary>The names of a field chain token (<c>.A.B</c>), from the pool.</summary>
    internal string[] FieldNames(string token)
    {
        var names = new string[token.AsSpan().Count('.')];
        var i = 0;
        foreach (var range in token.AsSpan(1).Split('.'))
        {
            names[i++] = _pool.Get(token.AsSpan(1)[range]);
        }
        return names;
    }

    /// <summary>Parsing state of one tree: its lookahead buffer, variables in scope and range depth.</summary>
    private sealed class TreeParser(Parser owner, Tree tree)
    {
        public Tree Tree => tree;

        private readonly Token[] _token = new Token[3];
        private readonly List<string> _vars = ["$"];
        private int _peekCount;
        private int _rangeDepth;
        private int _actionLine;

        public void ParseTop()
        {
            tree.Root = new ListNode(tree, Peek().Pos);
            while (Peek().Type != TokenType.Eof)
            {
                if (Peek().Type == TokenType.LeftDelim)
                {
                    var delim = Next();
                    if (NextNonSpace().Type == TokenType.Define)
                    {
                        var newT = new TreeParser(owner, new Tree("definition", owner._parseName, owner._text));
                        newT.ParseDefinition();
                        continue;
                    }
                    Backup2(delim);
                }
                var n = TextOrAction();
                if (n is EndNode or ElseNode)
                {
                    Errorf($"unexpected {n}");
                }
                tree.Root.Nodes.Add(n);
            }
        }

        public void Add()
        {
            if (!owner._treeSet.TryGetValue(tree.Name, out var existing) || Tree.IsEmpty(existing.Root))
            {
                owner._treeSet[tree.Name] = tree;
                return;
            }
            if (!Tree.IsEmpty(tree.Root))
            {
                Errorf($"template: multiple definition of template {GoQuote.Quote(tree.Name)}");
            }
        }

        private void ParseDefinition()
        {
            const string context = "define clause";
            var name = ExpectOneOf(TokenType.String, TokenType.RawString, context);
            tree.Name = Unquote(name);
            Expect(TokenType.RightDelim, context);
            var (list, end) = ItemList();
            tree.Root = list;
            if (end is not EndNode)
            {
                Errorf($"unexpected {end} in {context}");
            }
            Add();
        }

        // --- token buffer, as Go's parse.Tree ---
        private Token Next()
        {
            if (_peekCount > 0)
            {
                _peekCount--;
            }
            else
            {
                _token[0] = owner.NextToken();
            }
            return _token[_peekCount];
        }

        private void Backup() => _peekCount++;

        private void Backup2(Token t1)
        {
            _token[1] = t1;
            _peekCount = 2;
        }

        private void Backup3(Token t2, Token t1)
        {
            _token[1] = t1;
            _token[2] = t2;
            _peekCount = 3;
        }

        private Token Peek()
        {
            if (_peekCount > 0)
            {
                return _token[_peekCount - 1];
            }
            _peekCount = 1;
            _token[0] = owner.NextToken();
            return _token[0];
        }

        private Token NextNonSpace()
        {
            Token t;
            do
            {
                t = Next();
            }
            while (t.Type == TokenType.Space);
            return t;
        }

        private Token PeekNonSpace()
        {
            var t = NextNonSpace();
            Backup();
            return t;
        }

        private Token Expect(TokenType expected, string context)
        {
            var t = NextNonSpace();
            if (t.Type != expected)
            {
                Unexpected(t, context);
            }
            return t;
        }

        private Token ExpectOneOf(TokenType e1, TokenType e2, string context)
        {
            var t = NextNonSpace();
            if (t.Type != e1 && t.Type != e2)
            {
                Unexpected(t, context);
            }
            return t;
        }

        private TemplateException Errorf(string message)
        {
            var line = _token[0].Line;
            throw new TemplateException(TemplatePhase.Parse, $"template: {owner._parseName}:{line}: {message}", owner._parseName, line);
        }

        private void Unexpected(Token token, string context)
        {
            if (token.Type == TokenType.Error)
            {
                var extra = "";
                if (_actionLine != 0 && _actionLine != token.Line)
                {
                    extra = $" in action started at {owner._parseName}:{_actionLine}";
                    if (token.Value.EndsWith(" action", StringComparison.Ordinal))
                    {
                        extra = extra[" in action".Length..];
                    }
                }
                Errorf($"{token}{extra}");
            }
            Errorf($"unexpected {token} in {context}");
        }

        private string Unquote(Token t)
        {
            if (!GoQuote.TryUnquote(t.Value, out var s))
            {
                Errorf("invalid syntax");
            }
            return s;
        }

        // --- grammar ---
        private (ListNode List, Node Next) ItemList()
        {
            var list = new ListNode(tree, PeekNonSpace().Pos);
            while (PeekNonSpace().Type != TokenType.Eof)
            {
                var n = TextOrAction();
                if (n is EndNode or ElseNode)
                {
                    return (list, n);
                }
                list.Nodes.Add(n);
            }
            Errorf("unexpected EOF");
            throw new InvalidOperationException();
        }

        private Node TextOrAction()
        {
            var token = NextNonSpace();
            switch (token.Type)
            {
                case TokenType.Text:
                    return new TextNode(tree, token.Pos, token.Memory);
                case TokenType.LeftDelim:
                    _actionLine = token.Line;
                    try
                    {
                        return Action();
                    }
                    finally
                    {
                        _actionLine = 0;
                    }
                case TokenType.Comment:
                    return new CommentNode(tree, token.Pos, token.Value);
                default:
                    Unexpected(token, "input");
                    throw new InvalidOperationException();
            }
        }

        private Node Action()
        {
            var token = NextNonSpace();
            switch (token.Type)
            {
                case TokenType.Block: return BlockControl();
                case TokenType.Break: return BreakControl(token.Pos, token.Line);
                case TokenType.Continue: return ContinueControl(token.Pos, token.Line);
                case TokenType.Else: return ElseControl();
                case TokenType.End: return EndControl();
                case TokenType.If: return IfControl();
                case TokenType.Range: return RangeControl();
                case TokenType.Template: return TemplateControl();
                case TokenType.With: return WithControl();
            }
            Backup();
            token = Peek();
            return new ActionNode(tree, token.Pos, token.Line, Pipeline("command", TokenType.RightDelim));
        }

        private Node BreakControl(int pos, int line)
        {
            var token = NextNonSpace();
            if (token.Type != TokenType.RightDelim)
            {
                Unexpected(token, "{{break}}");
            }
            if (_rangeDepth == 0)
            {
                Errorf("{{break}} outside {{range}}");
            }
            return new BreakNode(tree, pos, line);
        }

        private Node ContinueControl(int pos, int line)
        {
            var token = NextNonSpace();
            if (token.Type != TokenType.RightDelim)
            {
                Unexpected(token, "{{continue}}");
            }
            if (_rangeDepth == 0)
            {
                Errorf("{{continue}} outside {{range}}");
            }
            return new ContinueNode(tree, pos, line);
        }

        private PipeNode Pipeline(string context, TokenType end)
        {
            var token = PeekNonSpace();
            var pipe = new PipeNode(tree, token.Pos, token.Line);
        Decls:
            var v = PeekNonSpace();
            if (v.Type == TokenType.Variable)
            {
                Next();
                var tokenAfterVariable = Peek();
                var next = PeekNonSpace();
                if (next.Type is TokenType.Assign or TokenType.Declare)
                {
                    pipe.IsAssign = next.Type == TokenType.Assign;
                    NextNonSpace();
                    pipe.Decl.Add(new VariableNode(tree, v.Pos, v.Value));
                    _vars.Add(v.Value);
                }
                else if (next.Type == TokenType.Char && next.Value == ",")
                {
                    NextNonSpace();
                    pipe.Decl.Add(new VariableNode(tree, v.Pos, v.Value));
                    _vars.Add(v.Value);
                    if (context == "range" && pipe.Decl.Count < 2)
                    {
                        switch (PeekNonSpace().Type)
                        {
                            case TokenType.Variable or TokenType.RightDelim or TokenType.RightParen:
                                goto Decls;
                            default:
                                Errorf("range can only initialize variables");
                                break;
                        }
                    }
                    Errorf($"too many declarations in {context}");
                }
                else if (tokenAfterVariable.Type == TokenType.Space)
                {
                    Backup3(v, tokenAfterVariable);
                }
                else
                {
                    Backup2(v);
                }
            }
            while (true)
            {
                var t = NextNonSpace();
                if (t.Type == end)
                {
                    CheckPipeline(pipe, context);
                    return pipe;
                }
                switch (t.Type)
                {
                    case TokenType.Bool or TokenType.CharConstant or TokenType.Complex or TokenType.Dot or TokenType.Field
                        or TokenType.Identifier or TokenType.Number or TokenType.Nil or TokenType.RawString or TokenType.String
                        or TokenType.Variable or TokenType.LeftParen:
                        Backup();
                        pipe.Cmds.Add(Command());
                        break;
                    default:
                        Unexpected(t, context);
                        break;
                }
            }
        }

        private void CheckPipeline(PipeNode pipe, string context)
        {
            if (pipe.Cmds.Count == 0)
            {
                Errorf($"missing value for {context}");
            }
            for (var i = 1; i < pipe.Cmds.Count; i++)
            {
                if (pipe.Cmds[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
                {
                    Errorf($"non executable command in pipeline stage {i + 1}");
                }
            }
        }

        private (int Pos, int Line, PipeNode Pipe, ListNode List, ListNode? ElseList) ParseControl(string context)
        {
            EnsureStack($"{context} nested too deeply");
            var mark = _vars.Count;
            try
            {
                var pipe = Pipeline(context, TokenType.RightDelim);
                if (context == "range")
                {
                    _rangeDepth++;
                }
                var (list, next) = ItemList();
                if (context == "range")
                {
                    _rangeDepth--;
                }
                ListNode? elseList = null;
                if (next is ElseNode)
                {
                    if (context == "if" && Peek().Type == TokenType.If)
                    {
                        Next();
                        elseList = new ListNode(tree, next.Pos);
                        elseList.Nodes.Add(IfControl());
                    }
                    else if (context == "with" && Peek().Type == TokenType.With)
                    {
                        Next();
                        elseList = new ListNode(tree, next.Pos);
                        elseList.Nodes.Add(WithControl());
                    }
                    else
                    {
                        (elseList, next) = ItemList();
                        if (next is not EndNode)
                        {
                            Errorf($"expected end; found {next}");
                        }
                    }
                }
                return (pipe.Pos, pipe.Line, pipe, list, elseList);
            }
            finally
            {
                _vars.RemoveRange(mark, _vars.Count - mark);
            }
        }

        private BranchNode IfControl()
        {
            var (pos, line, pipe, list, elseList) = ParseControl("if");
            return new BranchNode(tree, BranchKind.If, pos, line, pipe, list, elseList);
        }

        private BranchNode RangeControl()
        {
            var (pos, line, pipe, list, elseList) = ParseControl("range");
            return new BranchNode(tree, BranchKind.Range, pos, line, pipe, list, elseList);
        }

        private BranchNode WithControl()
        {
            var (pos, line, pipe, list, elseList) = ParseControl("with");
            return new BranchNode(tree, BranchKind.With, pos, line, pipe, list, elseList);
        }

        private Node EndControl() => new EndNode(tree, Expect(TokenType.RightDelim, "end").Pos);

        private Node ElseControl()
        {
            var peek = PeekNonSpace();
            if (peek.Type is TokenType.If or TokenType.With)
            {
                return new ElseNode(tree, peek.Pos, peek.Line);
            }
            var token = Expect(TokenType.RightDelim, "else");
            return new ElseNode(tree, token.Pos, token.Line);
        }

        private Node BlockControl()
        {
            const string context = "block clause";
            var token = NextNonSpace();
            var name = ParseTemplateName(token, context);
            var pipe = Pipeline(context, TokenType.RightDelim);
            var block = new TreeParser(owner, new Tree(name, owner._parseName, owner._text));
            var (list, end) = block.ItemList();
            block.Tree.Root = list;
            if (end is not EndNode)
            {
                Errorf($"unexpected {end} in {context}");
            }
            block.Add();
            return new TemplateNode(tree, token.Pos, token.Line, name, pipe);
        }

        private Node TemplateControl()
        {
            const string context = "template clause";
            var token = NextNonSpace();
            var name = ParseTemplateName(token, context);
            PipeNode? pipe = null;
            if (NextNonSpace().Type != TokenType.RightDelim)
            {
                Backup();
                pipe = Pipeline(context, TokenType.RightDelim);
            }
            return new TemplateNode(tree, token.Pos, token.Line, name, pipe);
        }

        private string ParseTemplateName(Token token, string context)
        {
            if (token.Type is TokenType.String or TokenType.RawString)
            {
                return Unquote(token);
            }
            Unexpected(token, context);
            throw new InvalidOperationException();
        }

        private CommandNode Command()
        {
            var cmd = new CommandNode(tree, PeekNonSpace().Pos);
            while (true)
            {
                PeekNonSpace();
                var operand = Operand();
                if (operand is not null)
                {
                    cmd.Args.Add(operand);
                }
                var token = Next();
                if (token.Type == TokenType.Space)
                {
                    continue;
                }
                if (token.Type is TokenType.RightDelim or TokenType.RightParen)
                {
                    Backup();
                }
                else if (token.Type != TokenType.Pipe)
                {
                    Unexpected(token, "operand");
                }
                break;
            }
            if (cmd.Args.Count == 0)
            {
                Errorf("empty command");
            }
            return cmd;
        }

        private Node? Operand()
        {
            var node = Term();
            if (node is null)
            {
                return null;
            }
            if (Peek().Type == TokenType.Field)
            {
                // Go builds a ChainNode and, on a field or variable, re-parses its text; the same names, directly
                var pos = Peek().Pos;
                var fields = new List<string>();
                while (Peek().Type == TokenType.Field)
                {
                    fields.Add(owner.FieldName(Next().Value));
                }
                switch (node)
                {
                    case FieldNode f:
                        return new FieldNode(tree, pos, [.. f.Ident, .. fields]);
                    case VariableNode v:
                        return new VariableNode(tree, pos, [.. v.Ident, .. fields]);
                    case BoolNode or StringNode or NumberNode or NilNode or DotNode:
                        Errorf($"unexpected . after term {GoQuote.Quote(node.ToString())}");
                        break;
                }
                var chain = new ChainNode(tree, pos, node);
                chain.Field.AddRange(fields);
                return chain;
            }
            return node;
        }

        private Node? Term()
        {
            var token = NextNonSpace();
            switch (token.Type)
            {
                case TokenType.Identifier:
                    if (!owner._hasFunction(token.Value))
                    {
                        var why = owner._whyMissing?.Invoke(token.Value);
                        Errorf($"function {GoQuote.Quote(token.Value)} not defined{(why is null ? "" : $" ({why})")}");
                    }
                    return new IdentifierNode(tree, token.Pos, token.Value);
                case TokenType.Dot:
                    return new DotNode(tree, token.Pos);
                case TokenType.Nil:
                    return new NilNode(tree, token.Pos);
                case TokenType.Variable:
                    return UseVar(token.Pos, token.Value);
                case TokenType.Field:
                    return new FieldNode(tree, token.Pos, owner.FieldNames(token.Value));
                case TokenType.Bool:
                    return new BoolNode(tree, token.Pos, token.Value == "true");
                case TokenType.CharConstant or TokenType.Complex or TokenType.Number:
                    {
                        var n = NumberNode.Parse(tree, token.Pos, token.Value, token.Type == TokenType.CharConstant,
                            token.Type == TokenType.Complex, out var error);
                        if (error is not null)
                        {
                            Errorf(error);
                        }
                        return n;
                    }
                case TokenType.LeftParen:
                    EnsureStack();
                    return Pipeline("parenthesized pipeline", TokenType.RightParen);
                case TokenType.String or TokenType.RawString:
                    return new StringNode(tree, token.Pos, token.Value, Unquote(token));
            }
            Backup();
            return null;
        }

        private void EnsureStack(string what = "expression nested too deeply")
        {
            if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                Errorf(what);
            }
        }

        private VariableNode UseVar(int pos, string name)
        {
            var v = new VariableNode(tree, pos, name);
            if (!_vars.Contains(v.Ident[0]))
            {
                Errorf($"undefined variable {GoQuote.Quote(v.Ident[0])}");
            }
            return v;
        }
    }
}
