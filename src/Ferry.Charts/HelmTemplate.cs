using System.Text;
using System.Text.RegularExpressions;
using Ferry.Templates;
using Ferry.Templates.Functions.Helm;
using Ferry.Templates.Functions.Sprig;
using Ferry.Templates.Semver;
using Ferry.Templates.Values;

namespace Ferry.Charts;

/// <summary>The outcome of <see cref="HelmTemplate.Run"/>: what <c>helm template</c> prints, or the error it reports.</summary>
public sealed record HelmTemplateResult(string Output, string? Error, IReadOnlyList<Manifest> Manifests, IReadOnlyList<Hook> Hooks, string Notes)
{
    public bool Succeeded => Error is null;

    /// <summary>What helm logs on stderr meanwhile (deprecation, non-boolean conditions, coalescing warnings).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The crds/ objects (with IncludeCrds): one entry per file, which may hold several documents.</summary>
    public IReadOnlyList<Manifest> Crds { get; init; } = [];

    /// <summary>
    /// The error came from rendering (after values were accepted): helm then adds "Use --debug flag to render out
    /// invalid YAML", since <c>--debug</c> would print what was rendered.
    /// </summary>
    public bool FailedWhileRendering { get; init; }

    /// <summary>
    /// The chart as rendered: its dependencies processed (disabled subcharts dropped, aliases and import-values
    /// applied), which is the chart Helm records in the release. null when the run failed.
    /// </summary>
    public Chart? Chart { get; init; }
}

/// <summary>
/// <c>helm template</c> natively: load the chart, assemble values (files, then --set-json, --set, --set-string,
/// --set-file, --set-literal), process dependencies, render, split and sort manifests, and print them with Helm's
/// <c># Source:</c> headers, CRDs first when asked, hooks last.
/// </summary>
public static partial class HelmTemplate
{
    public static HelmTemplateResult Run(string chartPath, HelmTemplateOptions options, CancellationToken cancellationToken = default) =>
        Run(() => ChartLoader.Load(chartPath), options, cancellationToken);

    /// <summary>Like <see cref="Run(string, HelmTemplateOptions, CancellationToken)"/>, for a chart <paramref name="load"/> reads (a chart
    /// of its own: rendering processes its dependencies in place); what loading throws is reported like any other chart error.</summary>
    public static HelmTemplateResult Run(Func<Chart> load, HelmTemplateOptions options, CancellationToken cancellationToken = default)
    {
        var output = new StringBuilder();
        var progress = new Progress();
        try
        {
            return RunCore(load, options, output, progress, cancellationToken) with { Warnings = progress.Log.Lines };
        }
        catch (Exception e) when (e is ChartException or TemplateException)
        {
            return new HelmTemplateResult(options.Debug ? output.ToString() : "", e.Message, [], [], "")
            {
                FailedWhileRendering = progress.Rendering,
                Warnings = progress.Log.Lines,
            };
        }
    }

    /// <summary>How far a run got: Helm creates the release (and then renders) only once values passed the schema.</summary>
    private sealed class Progress
    {
        public bool Rendering { get; set; }

        public RenderLog Log { get; } = new();
    }

    private static HelmTemplateResult RunCore(Func<Chart> load, HelmTemplateOptions options, StringBuilder debugOutput, Progress progress,
        CancellationToken cancellationToken)
    {
        var chart = Installable(load());
        var extraApis = options.ApiVersions.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var caps = options.Cluster is { } cluster ? new Capabilities(cluster, extraApis) : new Capabilities(options.KubeVersion, extraApis);
        if (chart.Metadata.Deprecated)
        {
            progress.Log.Warn("this chart is deprecated");
        }
        var values = BuildValues(options);
        var releaseName = options.NameTemplate is null ? options.ReleaseName : RenderName(options.NameTemplate);
        DependencyProcessor.Process(chart, values, log: progress.Log);
        var release = new ReleaseOptions(releaseName, options.Namespace, options.Revision, IsInstall: !options.IsUpgrade,
            IsUpgrade: options.IsUpgrade);
        var top = ChartRenderer.ToRenderValues(chart, values, release, caps, progress.Log, validateSchema: !options.SkipSchemaValidation);
        if (options.Env is not null)
        {
            top["Env"] = options.Env;
        }
        progress.Rendering = true;
        CheckKubeVersion(chart, caps);
        var files = new ChartRenderer(options.Functions).Render(chart, top, cancellationToken);
        var notes = TakeNotes(chart, files);
        var (hooks, manifests) = Sort(files, progress, debugOutput);
        if (options.PostRender is not null)
        {
            (manifests, hooks) = ApplyPostRender(options.PostRender, manifests, hooks);
        }
        if (options.OutputDir is not null)
        {
            return WriteOutputDir(options, releaseName, chart, manifests, hooks, notes);
        }
        var text = Output(chart, options, manifests, hooks);
        return new HelmTemplateResult(text, null, manifests, hooks, notes) { Crds = Crds(chart, options), Chart = chart };
    }

    /// <summary>The chart, checked as helm install checks it: an application chart with every declared dependency present.</summary>
    private static Chart Installable(Chart chart)
    {
        if (chart.Metadata.Type is not ("" or "application"))
        {
            throw new ChartException($"{chart.Metadata.Type} charts are not installable");
        }
        // as helm install/template: every dependency Chart.yaml declares must be in charts/ (conditions aside)
        var missing = chart.Metadata.Dependencies.Where(r => !chart.Dependencies.Any(d => d.Name == r.Name)).Select(r => r.Name).ToList();
        if (missing.Count > 0)
        {
            throw new ChartException("an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to " +
                "fetch missing dependencies: " +
                $"found in Chart.yaml, but missing in charts/ directory: {string.Join(", ", missing)}");
        }
        return chart;
    }

    /// <summary>Removes every NOTES.txt from the rendered files and returns the top chart's (subcharts' notes are dropped, as helm does).</summary>
    private static string TakeNotes(Chart chart, Dictionary<string, string> files)
    {
        var notes = "";
        var notesKey = $"{chart.Name}/templates/NOTES.txt";
        foreach (var key in files.Keys.Where(k => k.EndsWith("NOTES.txt", StringComparison.Ordinal)).ToList())
        {
            if (key == notesKey)
            {
                notes = files[key];
            }
            files.Remove(key);
        }
        return notes;
    }

    /// <summary>Hooks and manifests in install order; when a file is not valid YAML, the rendered files go to the debug output first.</summary>
    private static (List<Hook> Hooks, List<Manifest> Manifests) Sort(Dictionary<string, string> files, Progress progress, StringBuilder debugOutput)
    {
        try
        {
            return ManifestSorter.Sort(files, progress.Log);
        }
        catch (ChartException)
        {
            foreach (var (name, content) in files)
            {
                if (!string.IsNullOrWhiteSpace(content))
                {
                    debugOutput.Append("---\n# Source: ").Append(name).Append('\n').Append(content).Append('\n');
                }
            }
            throw;
        }
    }

    /// <summary>What helm template prints: crds when asked, the manifests (trimmed as helm trims them), then the hooks.</summary>
    private static string Output(Chart chart, HelmTemplateOptions options, List<Manifest> manifests, List<Hook> hooks)
    {
        // one buffer for the whole output (it can be megabytes): the manifests, trimmed as helm trims them, then hooks
        var all = new StringBuilder();
        if (options.IncludeCrds)
        {
            foreach (var (path, file) in chart.CrdObjects())
            {
                all.Append("---\n# Source: ").Append(path).Append('\n').Append(file.Text).Append('\n');
            }
        }
        foreach (var m in manifests)
        {
            all.Append("---\n# Source: ").Append(m.Name).Append('\n').Append(m.Content).Append('\n');
        }
        // helm trims the manifests' text; it starts with "---" when there is any, so only its end can change
        while (all.Length > 0 && Array.IndexOf(GoSpace, all[all.Length - 1]) >= 0)
        {
            all.Length--;
        }
        all.Append('\n');
        foreach (var h in hooks)
        {
            if (options.NoHooks || (options.SkipTests && h.Events.Contains(HookEvent.Test)))
            {
                continue;
            }
            all.Append("---\n# Source: ").Append(h.Path).Append('\n').Append(h.Manifest).Append('\n');
        }
        var text = all.ToString();
        return options.ShowOnly.Count > 0 ? ShowOnly(text, options.ShowOnly) : text;
    }

    /// <summary>The chart's (and its enabled subcharts') crds/ files when asked for: installed before the release, as
    /// helm install does, and not part of its manifest.</summary>
    private static List<Manifest> Crds(Chart chart, HelmTemplateOptions options) => options.IncludeCrds
        ? [.. chart.CrdObjects().Select(c => new Manifest(c.Path, c.File.Text, "CustomResourceDefinition", "apiextensions.k8s.io/v1", ""))]
        : [];

    private static (List<Manifest>, List<Hook>) ApplyPostRender(Func<IReadOnlyList<Manifest>, IReadOnlyList<Manifest>> postRender,
        List<Manifest> manifests, List<Hook> hooks)
    {
        var hookManifests = hooks.Select(h => new Manifest(h.Path, h.Manifest, h.Kind, "", h.Name)).ToList();
        var all = postRender([.. manifests, .. hookManifests]);
        var newManifests = all.Take(all.Count - hooks.Count).ToList();
        if (all.Count < hooks.Count)
        {
            throw new ChartException("post-render removed hook documents; a post-renderer must keep every document");
        }
        var newHooks = hooks.Select((h, i) => h with { Manifest = all[newManifests.Count + i].Content }).ToList();
        return (newManifests, newHooks);
    }

    private static HelmTemplateResult WriteOutputDir(HelmTemplateOptions options, string releaseName, Chart chart, List<Manifest> manifests,
        List<Hook> hooks, string notes)
    {
        var root = Path.GetFullPath(options.UseReleaseName ? Path.Combine(options.OutputDir!, releaseName) : options.OutputDir!);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var log = new StringBuilder();
        void Write(string name, string content)
        {
            var target = ContainedPath.Resolve(root, name) ?? throw new ChartException($"{name}: refusing to write outside --output-dir");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var text = $"---\n# Source: {name}\n{content}\n";
            if (written.Add(target))
            {
                File.WriteAllText(target, text);
            }
            else
            {
                File.AppendAllText(target, text);
            }
            log.Append("wrote ").Append(target).Append('\n');
        }
        if (options.IncludeCrds)
        {
            foreach (var (path, file) in chart.CrdObjects())
            {
                Write(path, file.Text);
            }
        }
        foreach (var m in manifests)
        {
            Write(m.Name, m.Content);
        }
        foreach (var h in hooks.Where(h => !options.NoHooks && !(options.SkipTests && h.Events.Contains(HookEvent.Test))))
        {
            Write(h.Path, h.Manifest);
        }
        return new HelmTemplateResult(log.ToString(), null, manifests, hooks, notes) { Crds = Crds(chart, options) };
    }

    /// <summary>One <c>--set</c>-family expression applied to <paramref name="values"/> as helm (v4) applies it.</summary>
    private static Dictionary<string, object?> ApplySet(Dictionary<string, object?> values, ValueSet set, string baseDirectory)
    {
        var expr = set.Expression;
        var eq = expr.IndexOf('=', StringComparison.Ordinal);
        switch (set.Kind)
        {
            case SetKind.Set:
                SetParser.Apply(values, expr);
                break;
            case SetKind.String:
                SetParser.Apply(values, expr, asString: true);
                break;
            case SetKind.Json when expr.TrimStart().StartsWith('{'):
                // a whole JSON object, merged over the values
                return Ferry.Templates.Formatting.GoJsonReader.Read(expr.Trim()) is Dictionary<string, object?> map
                    ? MergeMaps(values, map)
                    : throw new FormatException("not a JSON object");
            case SetKind.Json:
                SetParser.ApplyJson(values, expr);
                break;
            case SetKind.Literal when eq < 0:
                // strvals names the last key segment: --set-literal image.tag → key "tag" has no value
                throw new FormatException($"key \"{expr[(expr.LastIndexOf('.') + 1)..]}\" has no value");
            case SetKind.Literal:
                // the key as --set reads it; the value is everything after the first '=', verbatim
                SetParser.SetValue(values, expr[..eq], expr[(eq + 1)..]);
                break;
            case SetKind.File:
                SetParser.ApplyFiles(values, expr, p => ReadSetFile(p, baseDirectory));
                break;
        }
        return values;
    }

    /// <summary>One <c>--set-file</c> value: the file's text, with Go's messages when it cannot be read.</summary>
    private static string ReadSetFile(string path, string baseDirectory)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path);
        if (Directory.Exists(full))
        {
            throw new FormatException($"read {path}: is a directory");
        }
        if (!File.Exists(full))
        {
            throw new FormatException($"open {path}: no such file or directory");
        }
        return File.ReadAllText(full);
    }

    private static readonly char[] GoSpace = [' ', '\t', '\n', '\v', '\f', '\r', '\u0085', '\u00a0'];

    [GeneratedRegex("# Source: [^/]+/(.+)", RegexOptions.CultureInvariant)]
    private static partial Regex SourceRegex();

    private static string ShowOnly(string text, List<string> showFiles)
    {
        var docs = ManifestSorter.SplitManifests(text);
        var sb = new StringBuilder();
        var selected = new List<string>();
        foreach (var f in showFiles)
        {
            var missing = true;
            var pattern = new Regex("^" + Regex.Escape(f.Replace('\\', '/')).Replace("\\*", "[^/]*", StringComparison.Ordinal)
                .Replace("\\?", "[^/]", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
            foreach (var doc in docs)
            {
                var m = SourceRegex().Match(doc);
                if (!m.Success || !pattern.IsMatch(m.Groups[1].Value.TrimEnd('\r')))
                {
                    continue;
                }
                selected.Add(doc);
                missing = false;
            }
            if (missing)
            {
                throw new ChartException($"could not find template {f} in chart");
            }
        }
        foreach (var doc in selected)
        {
            sb.Append("---\n").Append(doc).Append('\n');
        }
        return sb.ToString();
    }

    private static void CheckKubeVersion(Chart chart, Capabilities caps)
    {
        if (chart.Metadata.KubeVersion.Length == 0)
        {
            return;
        }
        if (!SemConstraint.TryParse(chart.Metadata.KubeVersion, out var c))
        {
            throw new ChartException($"{chart.Source}/Chart.yaml: kubeVersion \"{chart.Metadata.KubeVersion}\" is not a valid version constraint");
        }
        if (!SemVersion.TryParse(caps.KubeVersion, out var kube, out _) || !c!.Check(kube))
        {
            throw new ChartException($"chart requires kubeVersion: {chart.Metadata.KubeVersion} which is incompatible " +
                $"with Kubernetes {caps.KubeVersion}");
        }
    }

    private static string RenderName(string nameTemplate)
    {
        var t = new Template("name-template", functions: SprigLibrary.Create()).Parse(nameTemplate);
        return t.Execute(null);
    }

    /// <summary>Helm's values.Options.MergeValues: files (merged left to right), then --set-json, --set, --set-string, --set-file,
    /// --set-literal.</summary>
    public static Dictionary<string, object?> BuildValues(HelmTemplateOptions options)
    {
        var values = options.Values is null
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            : ValueCoalescer.DeepCopy(options.Values)!;
        foreach (var file in options.ValuesFiles)
        {
            var path = Path.IsPathRooted(file) ? file : Path.Combine(options.BaseDirectory, file);
            if (!File.Exists(path))
            {
                throw new ChartException($"{file}: values file not found");
            }
            object? parsed;
            try
            {
                parsed = DataReader.FromYaml(File.ReadAllText(path), NumberMode.Float64);
            }
            catch (Exception e) when (e is FormatException or Ferry.Templates.Yaml.YamlException)
            {
                throw new ChartException($"failed to parse {file}: error converting YAML to JSON: {e.Message}", e);
            }
            if (parsed is Dictionary<string, object?> map)
            {
                values = MergeMaps(values, map);
            }
            else if (parsed is not null)
            {
                throw new ChartException($"{file}: values must be a YAML mapping at the top level");
            }
        }
        foreach (var kind in Enum.GetValues<SetKind>())
        {
            foreach (var set in options.Sets.Where(s => s.Kind == kind))
            {
                try
                {
                    values = ApplySet(values, set, options.BaseDirectory);
                }
                catch (Exception e) when (e is FormatException or System.Text.Json.JsonException && set.Kind == SetKind.Json)
                {
                    // helm names the expression, not the cause, for --set-json
                    throw new ChartException(set.Expression.TrimStart().StartsWith('{')
                        ? $"failed parsing --set-json data JSON: {set.Expression}"
                        : $"failed parsing --set-json data {set.Expression}", e);
                }
                catch (Exception e) when (e is FormatException or Ferry.Templates.Yaml.YamlException)
                {
                    throw new ChartException($"failed parsing --{set.Flag} data: {e.Message}", e);
                }
            }
        }
        return values;
    }

    public static Dictionary<string, object?> MergeMaps(Dictionary<string, object?> a, Dictionary<string, object?> b)
    {
        var result = new Dictionary<string, object?>(a, StringComparer.Ordinal);
        foreach (var (k, v) in b)
        {
            if (v is Dictionary<string, object?> vm && result.TryGetValue(k, out var existing) && existing is Dictionary<string, object?> em)
            {
                result[k] = MergeMaps(em, vm);
                continue;
            }
            result[k] = v;
        }
        return result;
    }
}
