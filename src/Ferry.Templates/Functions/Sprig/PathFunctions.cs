using Ferry.Templates.Values;
using static Ferry.Templates.Functions.Sprig.SprigConvert;

namespace Ferry.Templates.Functions.Sprig;

/// <summary>Sprig's slash-path functions (Go's path package; the os* forms are the same on Linux).</summary>
internal static class PathFunctions
{
    public static void Register(FunctionRegistry r)
    {
        foreach (var prefix in new[] { "", "os" })
        {
            r.Add(TemplateFunction.Fixed(Name(prefix, "base"), 1, a => Base(AsString(a[0]))));
            r.Add(TemplateFunction.Fixed(Name(prefix, "dir"), 1, a => Dir(AsString(a[0]))));
            r.Add(TemplateFunction.Fixed(Name(prefix, "clean"), 1, a => Clean(AsString(a[0]))));
            r.Add(TemplateFunction.Fixed(Name(prefix, "ext"), 1, a => Ext(AsString(a[0]))));
            r.Add(TemplateFunction.Fixed(Name(prefix, "isAbs"), 1, a => AsString(a[0]).StartsWith('/')));
        }
    }

    private static string Name(string prefix, string name) => prefix.Length == 0 ? name : prefix + char.ToUpperInvariant(name[0]) + name[1..];

    public static string Base(string p)
    {
        if (p.Length == 0)
        {
            return ".";
        }
        p = p.TrimEnd('/');
        if (p.Length == 0)
        {
            return "/";
        }
        var i = p.LastIndexOf('/');
        return i >= 0 ? p[(i + 1)..] : p;
    }

    public static string Dir(string p)
    {
        var i = p.LastIndexOf('/');
        return Clean(p[..(i + 1)]);
    }

    public static string Ext(string p)
    {
        for (var i = p.Length - 1; i >= 0 && p[i] != '/'; i--)
        {
            if (p[i] == '.')
            {
                return p[i..];
            }
        }
        return "";
    }

    /// <summary>Go's path.Clean.</summary>
    public static string Clean(string p)
    {
        if (p.Length == 0)
        {
            return ".";
        }
        var rooted = p[0] == '/';
        var parts = new List<string>();
        foreach (var seg in p.Split('/'))
        {
            if (seg.Length == 0 || seg == ".")
            {
                continue;
            }
            if (seg == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!rooted)
                {
                    parts.Add("..");
                }
                continue;
            }
            parts.Add(seg);
        }
        var joined = string.Join('/', parts);
        if (rooted)
        {
            return "/" + joined;
        }
        return joined.Length == 0 ? "." : joined;
    }
}
