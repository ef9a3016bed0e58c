using System.Formats.Tar;
using System.IO.Compression;
using Ferry.Templates.Semver;
using Ferry.Templates.Values;

namespace Ferry.Charts;

/// <summary>
/// Loads charts from directories and .tgz archives as Helm's loader does, with the safety checks an offline
/// installer needs: no path traversal, no absolute paths, no links, bounded file and archive sizes.
/// </summary>
public static class ChartLoader
{
    /// <summary>Largest single file accepted in a chart (Helm's MaxDecompressedFileSize, 5 MiB).</summary>
    public const long MaxFileBytes = 5L * 1024 * 1024;

    /// <summary>Largest total (decompressed) chart size accepted.</summary>
    public const long MaxChartBytes = 100L * 1024 * 1024;

    public static Chart Load(string path)
    {
        if (Directory.Exists(path))
        {
            return LoadDirectory(path);
        }
        if (File.Exists(path))
        {
            using var stream = File.OpenRead(path);
            return LoadArchive(stream, path);
        }
        throw new ChartException($"{path}: no such chart directory or archive");
    }

    public static Chart LoadDirectory(string dir)
    {
        var root = Path.GetFullPath(dir);
        var ignorePath = Path.Combine(root, ".helmignore");
        var ignore = HelmIgnore.Parse(File.Exists(ignorePath) ? File.ReadAllText(ignorePath) : "");
        var files = new List<ChartFile>();
        long total = 0;
        Walk(root, "");
        return LoadFiles(files, root, new ExpansionBudget());

        void Walk(string absDir, string rel)
        {
            foreach (var entry in new DirectoryInfo(absDir).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                var relPath = rel.Length == 0 ? entry.Name : $"{rel}/{entry.Name}";
                var isDir = entry is DirectoryInfo;
                if (ignore.Ignore(relPath, isDir))
                {
                    continue;
                }
                if (entry.LinkTarget is not null)
                {
                    string? target;
                    try
                    {
                        target = entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                    }
                    catch (IOException e)
                    {
                        throw new ChartException($"error evaluating symlink {entry.FullName}: {e.Message.TrimEnd('.')}", e);
                    }
                    if (target is not null && !File.Exists(target) && !Directory.Exists(target))
                    {
                        throw new ChartException($"error evaluating symlink {entry.FullName}: lstat {target}: no such file or directory");
                    }
                    if (target is null || !ContainedPath.IsUnder(root, target, rootItself: true))
                    {
                        throw new ChartException($"{Path.Combine(dir, relPath)}: symbolic link points " +
                            $"outside the chart ({entry.LinkTarget}); copy the file into the chart instead");
                    }
                }
                if (isDir)
                {
                    Walk(entry.FullName, relPath);
                    continue;
                }
                if (entry.LinkTarget is null && IrregularFiles.IsIrregular(entry.FullName))
                {
                    throw new ChartException($"cannot load irregular file {entry.FullName} as it has file mode type bits set");
                }
                var size = ((FileInfo)entry).Length;
                if (size > MaxFileBytes)
                {
                    throw new ChartException($"chart file \"{relPath}\" is larger than the maximum file size {MaxFileBytes}");
                }
                total += size;
                if (total > MaxChartBytes)
                {
                    throw new ChartException($"{dir}: chart is larger than {MaxChartBytes} bytes");
                }
                var full = entry.FullName;
                files.Add(new ChartFile(relPath, () => ReadChartFile(full, relPath)));
            }
        }
    }

    private static byte[] ReadChartFile(string path, string name)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChartException($"chart file \"{name}\" could not be read: {e.Message}", e);
        }
    }

    /// <summary>Loads a gzipped tar chart archive; every entry must sit under one top-level directory.</summary>
    public static Chart LoadArchive(Stream stream, string source) => LoadArchive(stream, source, new ExpansionBudget());

    /// <summary>
    /// What a chart may expand to, over every archive nested in it (subcharts as charts/*.tgz): Helm's 100 MB bound on
    /// an archive would otherwise multiply with each level of nesting.
    /// </summary>
    private sealed class ExpansionBudget
    {
        public long Spent { get; private set; }

        public void Spend(long bytes, string source)
        {
            Spent += bytes;
            if (Spent > MaxChartBytes)
            {
                throw new ChartException($"{source}: archive expands to more than {MaxChartBytes} bytes (counting the subchart archives inside it)");
            }
        }
    }

    private static Chart LoadArchive(Stream stream, string source, ExpansionBudget budget)
    {
        var files = new List<ChartFile>();
        long total = 0;
        try
        {
            using var gz = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            using var tar = new TarReader(gz);
            while (tar.GetNextEntry() is { } entry)
            {
                var name = entry.Name.Replace('\\', '/');
                if (entry.EntryType is TarEntryType.Directory or TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes)
                {
                    continue;
                }
                if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    throw new ChartException($"{source}: archive entry {name} is a link; chart archives may not contain links");
                }
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    continue;
                }
                if (!ContainedPath.IsSafeEntryName(name))
                {
                    throw new ChartException($"{source}: archive entry {name} escapes the chart (absolute path or '..'); the archive is unsafe");
                }
                var parts = name.Split('/', 2);
                if (parts.Length < 2 || parts[1].Length == 0)
                {
                    continue;
                }
                if (entry.Length > MaxFileBytes)
                {
                    throw new ChartException($"{source}: chart file \"{parts[1]}\" is larger than the maximum file size {MaxFileBytes} (Helm's " +
                        "limit; keep large data out of charts)");
                }
                total += entry.Length;
                if (total > MaxChartBytes)
                {
                    throw new ChartException($"{source}: archive expands to more than {MaxChartBytes} bytes");
                }
                budget.Spend(entry.Length, source);
                using var ms = new MemoryStream();
                entry.DataStream?.CopyTo(ms);
                files.Add(new ChartFile(parts[1], ms.ToArray()));
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new ChartException($"{source}: not a gzipped tar chart archive, or a truncated one ({e.Message.TrimEnd('.')})", e);
        }
        if (files.Count == 0)
        {
            throw new ChartException($"{source}: archive holds no chart files");
        }
        var ignoreFile = files.FirstOrDefault(f => f.Name == ".helmignore");
        if (ignoreFile is not null)
        {
            var ignore = HelmIgnore.Parse(ignoreFile.Text);
            files = files.Where(f => !ignore.Ignore(f.Name, false)).ToList();
        }
        return LoadFiles(files, source, budget);
    }

    public static Chart LoadFiles(IReadOnlyList<ChartFile> files, string source) => LoadFiles(files, source, new ExpansionBudget());

    private static Chart LoadFiles(IReadOnlyList<ChartFile> files, string source, ExpansionBudget budget)
    {
        var chart = new Chart { Source = source };
        var chartYaml = files.FirstOrDefault(f => f.Name == "Chart.yaml")
            ?? throw new ChartException($"{source}: Chart.yaml file is missing; a chart directory needs Chart.yaml at its root");
        chart.Metadata = ChartYaml.ParseMetadata(chartYaml.Text, $"{source}/Chart.yaml");
        var subcharts = new SortedDictionary<string, List<ChartFile>>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            if (LoadRootFile(chart, f, source))
            {
                continue;
            }
            if (f.Name.StartsWith("templates/", StringComparison.Ordinal))
            {
                chart.Templates.Add(f);
            }
            else if (f.Name.StartsWith("charts/", StringComparison.Ordinal))
            {
                if (f.Name.EndsWith(".prov", StringComparison.Ordinal))
                {
                    chart.Files.Add(f);
                    continue;
                }
                var rest = f.Name["charts/".Length..];
                var cname = rest.Split('/', 2)[0];
                if (!subcharts.TryGetValue(cname, out var list))
                {
                    subcharts[cname] = list = [];
                }
                list.Add(f.WithName(rest));
            }
            else
            {
                chart.Files.Add(f);
            }
        }
        foreach (var (name, subFiles) in subcharts)
        {
            if (name.StartsWith('.') || name.StartsWith('_'))
            {
                continue;
            }
            Chart sub;
            if (name.EndsWith(".tgz", StringComparison.Ordinal))
            {
                using var ms = new MemoryStream(subFiles[0].Data);
                sub = LoadArchive(ms, $"{source}/charts/{name}", budget);
            }
            else
            {
                var inner = subFiles.Where(f => f.Name.Contains('/', StringComparison.Ordinal)).Select(f => f.WithName(f.Name.Split('/', 2)[1]))
                    .ToList();
                if (!inner.Any(f => f.Name == "Chart.yaml"))
                {
                    continue;
                }
                sub = LoadFiles(inner, $"{source}/charts/{name}", budget);
            }
            chart.AddDependency(sub);
        }
        Validate(chart.Metadata, $"{source}/Chart.yaml");
        return chart;
    }

    /// <summary>Takes in one of the files Helm's loader reads itself (values, schema, requirements, lock); false for any other.</summary>
    private static bool LoadRootFile(Chart chart, ChartFile f, string source)
    {
        switch (f.Name)
        {
            case "Chart.yaml":
                return true;
            case "values.yaml":
                chart.Values = ParseValues(f.Text, $"{source}/values.yaml");
                return true;
            case "values.schema.json":
                chart.Schema = f.Data;
                return true;
            case "requirements.yaml":
                if (chart.Metadata.ApiVersion == "v1")
                {
                    chart.Metadata.Dependencies = ChartYaml.ParseRequirements(f.Text, $"{source}/requirements.yaml");
                }
                chart.Files.Add(f);
                return true;
            case "Chart.lock" or "requirements.lock":
                chart.Lock = ChartYaml.ParseLock(f.Text, $"{source}/{f.Name}");
                if (f.Name == "requirements.lock" && chart.Metadata.ApiVersion == "v1")
                {
                    chart.Files.Add(f); // as Helm: kept as a file of a v1 chart, as requirements.yaml is
                }
                return true;
            default:
                return false;
        }
    }

    private static void Validate(ChartMetadata m, string file)
    {
        string At(string key) => m.KeyLines.TryGetValue(key, out var line) ? $"{file}:{line}" : file;
        if (m.ApiVersion.Length == 0)
        {
            throw new ChartException($"{file}: validation: chart.metadata.apiVersion is required (add apiVersion: v2)");
        }
        if (m.Name.Length == 0)
        {
            throw new ChartException($"{file}: validation: chart.metadata.name is required");
        }
        if (m.Name.Contains('/', StringComparison.Ordinal) || m.Name.Contains('\\', StringComparison.Ordinal) || m.Name is "." or "..")
        {
            throw new ChartException($"{At("name")}: validation: chart.metadata.name \"{m.Name}\" is invalid (no slashes)");
        }
        if (m.Version.Length == 0)
        {
            throw new ChartException($"{file}: validation: chart.metadata.version is required");
        }
        if (!SemVersion.TryParse(m.Version, out _, out _))
        {
            throw new ChartException($"{At("version")}: validation: chart.metadata.version \"{m.Version}\" is invalid (use a semantic " +
                "version such as 1.2.3)");
        }
        if (m.Type is not ("" or "application" or "library"))
        {
            throw new ChartException($"{At("type")}: validation: chart.metadata.type must be application or library");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in m.Dependencies)
        {
            var key = d.Alias.Length > 0 ? d.Alias : d.Name;
            if (!seen.Add(key))
            {
                throw new ChartException($"{file}: validation: more than one dependency with name or alias \"{key}\"");
            }
        }
    }

    private static Dictionary<string, object?> ParseValues(string text, string file)
    {
        try
        {
            return DataReader.FromYaml(text, NumberMode.Float64, file) switch
            {
                Dictionary<string, object?> d => d,
                null => new Dictionary<string, object?>(StringComparer.Ordinal),
                _ => throw new ChartException($"{file}: values must be a YAML mapping at the top level"),
            };
        }
        catch (Exception e) when (e is FormatException or Ferry.Templates.Yaml.YamlException)
        {
            throw new ChartException($"{e.Message} (fix the YAML in {file})", e);
        }
    }

    /// <summary>Chart.yaml as Helm reads it (see <see cref="ChartYaml"/>).</summary>
    public static ChartMetadata ParseMetadata(string text, string file) => ChartYaml.ParseMetadata(text, file);
}
