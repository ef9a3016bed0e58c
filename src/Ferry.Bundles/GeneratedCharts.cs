using System.Formats.Tar;
using System.IO.Compression;
using Ferry.Kustomize;
using Ferry.Templates.Semver;

namespace Ferry.Bundles;

/// <summary>
/// Apps that are not charts become charts at build, so everything after (images, bundle, deploy, plan, prune, rollback,
/// Helm release records) treats every app alike: a <c>manifests</c> app's YAML files are the templates of a generated
/// chart (rendered at deploy with <c>.Env</c>), or its files served verbatim with <c>template: false</c>; a
/// <c>kustomize</c> app is rendered natively here, as kubectl kustomize renders it, and served verbatim.
/// </summary>
internal static class GeneratedCharts
{
    /// <summary>The folder (in a generated chart) of files served verbatim.</summary>
    public const string VerbatimFolder = "ferry-manifests";

    private const long MaxArchiveBytes = 256L << 20;

    public static byte[] FromManifests(BundleSpec spec, AppSpec app)
    {
        var files = new List<(string Source, string Relative)>();
        foreach (var entry in app.Manifests!)
        {
            var full = spec.Resolve(entry);
            if (File.Exists(full))
            {
                files.Add((full, Path.GetFileName(full)));
                continue;
            }
            var top = Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
            files.AddRange(Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)
                    || f.EndsWith(".json", StringComparison.Ordinal))
                .Select(f => (f, top + "/" + Path.GetRelativePath(full, f).Replace('\\', '/'))));
        }
        foreach (var (source, _) in files.Where(f => new FileInfo(f.Source).LinkTarget is not null))
        {
            throw new BundleException($"{source} is a symbolic link; copy the file instead");
        }
        foreach (var dup in files.GroupBy(f => f.Relative).Where(g => g.Count() > 1))
        {
            throw new BundleException($"two manifests files would both be {dup.Key}; rename one");
        }
        return Package(spec, app, "manifests", dir =>
        {
            var folder = app.TemplateManifests ? "templates" : VerbatimFolder;
            foreach (var (source, relative) in files)
            {
                var target = Path.Combine(dir, folder, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target);
            }
            if (!app.TemplateManifests)
            {
                WriteVerbatimTemplate(dir);
            }
        });
    }

    public static byte[] FromKustomize(BundleSpec spec, AppSpec app)
    {
        var source = app.Kustomize!;
        var rendered = source.Git is not null
            ? ChartFetcher.WithGitCheckout(source, (checkout, dir) => KustomizeRenderer.Render(dir, checkout))
            : File.Exists(spec.Resolve(source.Path!)) ? FromArchive(spec.Resolve(source.Path!))
            : KustomizeRenderer.Render(spec.Resolve(source.Path!), spec.BaseDirectory);
        return Package(spec, app, "kustomize", dir =>
        {
            Directory.CreateDirectory(Path.Combine(dir, VerbatimFolder));
            File.WriteAllText(Path.Combine(dir, VerbatimFolder, "kustomize.yaml"), rendered);
            WriteVerbatimTemplate(dir);
        });
    }

    /// <summary>A kustomization shipped as a .tgz: unpacked (regular files only, nothing outside) and rendered.</summary>
    private static string FromArchive(string path)
    {
        var temp = Directory.CreateTempSubdirectory("ferry-kustomize-").FullName;
        try
        {
            long total = 0;
            using (var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
            using (var tar = new TarReader(gz))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                    if (entry.EntryType is TarEntryType.Directory || name.Length == 0)
                    {
                        continue;
                    }
                    var target = Path.GetFullPath(Path.Combine(temp, name));
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || Path.IsPathRooted(name)
                        || name.Split('/').Contains("..") || !target.StartsWith(temp + "/", StringComparison.Ordinal)
                        || (total += entry.Length) > MaxArchiveBytes)
                    {
                        throw new KustomizeException($"{path}: entry {entry.Name} is not a regular file inside the archive " +
                            $"(or the archive unpacks to more than {MaxArchiveBytes >> 20} MiB); repack it with plain files");
                    }
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    entry.ExtractToFile(target, overwrite: true);
                }
            }
            var dir = KustomizeRenderer.FileNames.Any(n => File.Exists(Path.Combine(temp, n))) ? temp
                : Directory.GetDirectories(temp) is [var single] ? single : temp;
            return KustomizeRenderer.Render(dir, temp);
        }
        catch (InvalidDataException e)
        {
            throw new KustomizeException($"{path}: not a gzipped tar archive ({e.Message})", e);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static void WriteVerbatimTemplate(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "templates"));
        File.WriteAllText(Path.Combine(dir, "templates", VerbatimFolder + ".yaml"),
            "{{- range $path, $_ := .Files.Glob \"" + VerbatimFolder + "/**\" }}\n---\n{{ $.Files.Get $path }}\n{{- end }}\n");
    }

    /// <summary>The chart: Chart.yaml (the app's name, the product's version) plus what <paramref name="fill"/> writes.</summary>
    private static byte[] Package(BundleSpec spec, AppSpec app, string kind, Action<string> fill)
    {
        var dir = Directory.CreateTempSubdirectory("ferry-generated-").FullName;
        try
        {
            var version = SemVersion.TryParse(spec.Version, out _, out _) ? spec.Version.TrimStart('v') : "0.1.0";
            File.WriteAllText(Path.Combine(dir, "Chart.yaml"),
                $"apiVersion: v2\nname: {app.Name}\nversion: {version}\nappVersion: {Quote(spec.Version)}\n" +
                $"description: {Quote($"{kind} app {app.Name} of {spec.Name}, wrapped into a chart by ferry")}\n" +
                $"annotations:\n  ferry.dev/source: {kind}\n");
            fill(dir);
            return ReproducibleTar.PackageChart(dir, app.Name);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Quote(string s) => Ferry.Templates.Formatting.GoJson.Marshal(s);
}
