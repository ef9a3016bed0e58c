using Ferry.Templates.Execution;
using Ferry.Templates.Functions;
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
    public IEnumerable<string> TemplateNames => _trees.Keys;

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
        var trees = Parser.Parse(name, text, Options.LeftDelim, Options.RightDelim, Functions.Contains, Functions.ForbiddenReason);
        foreach (var (treeName, tree) in trees)
        {
            if (_trees.TryGetValue(treeName, out var old) && Tree.IsEmpty(tree.Root) && old.Root is not null)
            {
                continue; // A definition-only parse does not replace an existing template with an empty one.
            }
            _trees[treeName] = tree;
        }
        return trees[name];
    }

    /// <summary>Executes a tree (from <see cref="ParseTree"/>) against this set.</summary>
    public string ExecuteTree(Tree tree, object? data, CancellationToken cancellationToken = default)
    {
        var sw = new StringWriter();
        new Executor(this, sw, cancellationToken).Run(tree, data);
        return sw.ToString();
    }

    public Tree? Lookup(string name) => _trees.GetValueOrDefault(name);

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

    /// <summary>A copy of the set (trees shared, options and function map copied), like Go's Template.Clone.</summary>
    public Template Clone()
    {
        var t = new Template(Name, Options.Clone(), Functions.Clone());
        foreach (var (k, v) in _trees)
        {
            t._trees[k] = v;
        }
        return t;
    }

    /// <summary>Adds or replaces a function; call before parsing templates that use it.</summary>
    public Template AddFunction(TemplateFunction function)
    {
        Functions.Add(function);
        return this;
    }
}
