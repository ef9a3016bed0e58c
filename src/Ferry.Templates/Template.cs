using Ferry.Templates.Execution;
using Ferry.Templates.Functions;
using Ferry.Templates.Lexing;
using Ferry.Templates.Parsing;
using Ferry.Templates.Syntax;
using Ferry.Templates.Values;

namespace Ferry.Templates;

/// <summary>
/// A set of named templates sharing functions and options, like Go's <c>*template.Template</c>:
/// parse sources into it, then execute any template by name.
/// </summary>
public sealed class Template
{
    private readonly Dictionary<string, Tree> _trees = new(StringComparer.Ordinal);
    private StringPool _pool = new();

    // A clone sees its original's templates through this link instead of copying them (tpl clones per call).
    private Template? _original;

    public Template(string name, TemplateOptions? options = null, FunctionRegistry? functions = null)
    {
        Name = name;
        Options = options ?? new TemplateOptions();
        Functions = functions ?? FunctionRegistry.CreateBuiltins();
    }

    /// <summary>The main template's name.</summary>
    public string Name { get; }

    public TemplateOptions Options { get; }

    public FunctionRegistry Functions { get; }

    /// <summary>Names of every template in the set.</summary>
    public IEnumerable<string> TemplateNames => _original is null ? _trees.Keys : _trees.Keys.Union(_original.TemplateNames, StringComparer.Ordinal);

    /// <summary>Parses <paramref name="text"/> as the main template (and the templates it defines).</summary>
    public Template Parse(string text) => Parse(Name, text);

    /// <summary>Parses <paramref name="text"/> as template <paramref name="name"/> into this set (Go's <c>t.New(name).Parse(text)</c>).</summary>
    public Template Parse(string name, string text)
    {
        ParseTree(name, text);
        return this;
    }

    /// <summary>
    /// Parses like <see cref="Parse(string, string)"/> and returns the tree of <paramref name="name"/> itself, even when
    /// it only holds definitions and so did not replace an existing template (Go's <c>t.New(name).Parse(text)</c>).
    /// </summary>
    public Tree ParseTree(string name, string text)
    {
        var trees = Parser.Parse(name, text, Options.LeftDelim, Options.RightDelim, Functions.Contains, Functions.ForbiddenReason, _pool);
        Add(trees);
        return trees[name];
    }

    private void Add(Dictionary<string, Tree> trees)
    {
        foreach (var (treeName, tree) in trees)
        {
            if (Lookup(treeName) is { } old && Tree.IsEmpty(tree.Root) && old.Root is not null)
            {
                continue; // A definition-only parse does not replace an existing template with an empty one.
            }
            _trees[treeName] = tree;
        }
    }

    /// <summary>
    /// Parses every source into this set exactly as calling <see cref="Parse(string, string)"/> for each in order
    /// would, but lexes and parses the sources on all cores (each source parses on its own; the trees are added in
    /// order afterwards). Returns the first source, in order, that failed to parse, or null.
    /// </summary>
    public ParseFailure? TryParseAll(IReadOnlyList<KeyValuePair<string, string>> sources)
    {
        var results = new Dictionary<string, Tree>?[sources.Count];
        var errors = new Exception?[sources.Count];
        var next = -1;
        void Work(StringPool pool)
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < sources.Count)
            {
                try
                {
                    results[i] = Parser.Parse(sources[i].Key, sources[i].Value, Options.LeftDelim, Options.RightDelim, Functions.Contains,
                        Functions.ForbiddenReason, pool);
                }
                catch (Exception e)
                {
                    errors[i] = e;
                }
            }
        }
        var helpers = sources.Sum(s => (long)s.Value.Length) < ParallelParseMinChars ? 0 : Math.Min(Environment.ProcessorCount, MaxParseThreads) - 1;
        var threads = Enumerable.Range(0, helpers)
            .Select(_ => new Thread(() => Work(new StringPool()), ParseThreadStackBytes) { IsBackground = true, Name = "template parse" })
            .ToList();
        threads.ForEach(t => t.Start());
        Work(_pool);
        threads.ForEach(t => t.Join());
        for (var i = 0; i < sources.Count; i++)
        {
            switch (errors[i])
            {
                case TemplateException e:
                    return new ParseFailure(sources[i].Key, e);
                case { } e:
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
                    break;
            }
            Add(results[i]!);
        }
        return null;
    }

    // Below this much text, starting threads costs more than it saves; parse threads get a main thread's stack.
    private const long ParallelParseMinChars = 32 * 1024;
    private const int MaxParseThreads = 4;
    private const int ParseThreadStackBytes = 8 * 1024 * 1024;

    /// <summary>Executes a tree (from <see cref="ParseTree"/>) against this set.</summary>
    public string ExecuteTree(Tree tree, object? data, CancellationToken cancellationToken = default)
    {
        var sw = new StringWriter();
        new Executor(this, sw, cancellationToken).Run(tree, data);
        return sw.ToString();
    }

    public Tree? Lookup(string name) => _trees.TryGetValue(name, out var tree) ? tree : _original?.Lookup(name);

    /// <summary>Executes the main template.</summary>
    public string Execute(object? data, CancellationToken cancellationToken = default) => ExecuteTemplate(Name, data, cancellationToken);

    /// <summary>Executes template <paramref name="name"/> with <paramref name="data"/> as dot.</summary>
    public string ExecuteTemplate(string name, object? data, CancellationToken cancellationToken = default)
    {
        var sw = new StringWriter();
        ExecuteTemplate(sw, name, data, cancellationToken);
        return sw.ToString();
    }

    public void ExecuteTemplate(TextWriter output, string name, object? data, CancellationToken cancellationToken = default)
    {
        var tree = Lookup(name);
        if (tree is null)
        {
            throw new TemplateException(TemplatePhase.Execute, $"template: no template \"{name}\" associated with template \"{Name}\"", name);
        }
        if (tree.Root is null)
        {
            throw new TemplateException(TemplatePhase.Execute, $"template: \"{name}\" is an incomplete or empty template", name);
        }
        new Executor(this, output, cancellationToken).Run(tree, data);
    }

    /// <summary>
    /// A copy of the set (trees shared, function map copied), like Go's Template.Clone, with other options when given.
    /// The original's templates are seen through, not copied: a set is not changed once cloned (Helm clones per
    /// <c>tpl</c> call).
    /// </summary>
    public Template Clone(TemplateOptions? options = null) => new(Name, options ?? Options, Functions.Clone()) { _pool = _pool, _original = this };

    /// <summary>Adds or replaces a function; call before parsing templates that use it.</summary>
    public Template AddFunction(TemplateFunction function)
    {
        Functions.Add(function);
        return this;
    }
}

/// <summary>A source that failed to parse (see <see cref="Template.TryParseAll"/>).</summary>
public sealed record ParseFailure(string Source, TemplateException Error);
