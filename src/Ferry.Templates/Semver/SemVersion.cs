using System.Globalization;
using System.Text.RegularExpressions;
using Ferry.Templates.Values;

namespace Ferry.Templates.Semver;

/// <summary>
/// A semantic version with Masterminds/semver v3 parsing (a leading <c>v</c> and missing minor/patch allowed)
/// and ordering (prereleases sort before releases; metadata ignored). Exposed to templates as Sprig's
/// <c>*semver.Version</c>: <c>.Major</c>, <c>.Prerelease</c>, <c>.Compare</c>, ...
/// </summary>
public sealed partial class SemVersion : IComparable<SemVersion>, ITemplateObject
{
    [GeneratedRegex(@"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex VersionRegex();

    private SemVersion(ulong major, ulong minor, ulong patch, string prerelease, string metadata, string original)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        Prerelease = prerelease;
        Metadata = metadata;
        Original = original;
    }

    public ulong Major { get; }

    public ulong Minor { get; }

    public ulong Patch { get; }

    public string Prerelease { get; }

    public string Metadata { get; }

    public string Original { get; }

    public string GoTypeName => "*semver.Version";

    public static SemVersion Parse(string s) => TryParse(s, out var v, out var error) ? v : throw new FormatException(error);

    public static bool TryParse(string s, out SemVersion version, out string error)
    {
        version = null!;
        error = "";
        var m = VersionRegex().Match(s);
        if (!m.Success)
        {
            error = "invalid semantic version";
            return false;
        }
        if (!ulong.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            error = "error parsing version segment";
            return false;
        }
        ulong minor = 0, patch = 0;
        if (m.Groups[2].Success && !ulong.TryParse(m.Groups[2].Value[1..], NumberStyles.None, CultureInfo.InvariantCulture, out minor))
        {
            error = "error parsing version segment";
            return false;
        }
        if (m.Groups[3].Success && !ulong.TryParse(m.Groups[3].Value[1..], NumberStyles.None, CultureInfo.InvariantCulture, out patch))
        {
            error = "error parsing version segment";
            return false;
        }
        var pre = m.Groups[5].Success ? m.Groups[5].Value : "";
        foreach (var id in pre.Length == 0 ? [] : pre.Split('.'))
        {
            if (id.Length > 1 && id[0] == '0' && id.All(char.IsAsciiDigit))
            {
                error = "version segment starts with 0";
                return false;
            }
        }
        version = new SemVersion(major, minor, patch, pre, m.Groups[8].Success ? m.Groups[8].Value : "", s);
        return true;
    }

    public static SemVersion Create(ulong major, ulong minor, ulong patch, string prerelease = "") =>
        new(major, minor, patch, prerelease, "", $"{major}.{minor}.{patch}{(prerelease.Length > 0 ? "-" + prerelease : "")}");

    public int CompareTo(SemVersion? other)
    {
        if (other is null)
        {
            return 1;
        }
        var c = Major.CompareTo(other.Major);
        if (c == 0)
        {
            c = Minor.CompareTo(other.Minor);
        }
        if (c == 0)
        {
            c = Patch.CompareTo(other.Patch);
        }
        return c != 0 ? Math.Sign(c) : ComparePrerelease(Prerelease, other.Prerelease);
    }

    private static int ComparePrerelease(string a, string b)
    {
        if (a == b)
        {
            return 0;
        }
        if (a.Length == 0)
        {
            return 1;
        }
        if (b.Length == 0)
        {
            return -1;
        }
        var pa = a.Split('.');
        var pb = b.Split('.');
        for (var i = 0; i < Math.Max(pa.Length, pb.Length); i++)
        {
            if (i >= pa.Length)
            {
                return -1;
            }
            if (i >= pb.Length)
            {
                return 1;
            }
            var na = ulong.TryParse(pa[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ia);
            var nb = ulong.TryParse(pb[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ib);
            int c;
            if (na && nb)
            {
                c = ia.CompareTo(ib);
            }
            else if (na)
            {
                c = -1;
            }
            else if (nb)
            {
                c = 1;
            }
            else
            {
                c = string.CompareOrdinal(pa[i], pb[i]);
            }
            if (c != 0)
            {
                return Math.Sign(c);
            }
        }
        return 0;
    }

    public override string ToString() =>
        $"{Major}.{Minor}.{Patch}{(Prerelease.Length > 0 ? "-" + Prerelease : "")}{(Metadata.Length > 0 ? "+" + Metadata : "")}";

    public override bool Equals(object? obj) => obj is SemVersion v && CompareTo(v) == 0;

    public override int GetHashCode() => HashCode.Combine(Major, Minor, Patch, Prerelease);

    public static bool operator ==(SemVersion? a, SemVersion? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(SemVersion? a, SemVersion? b) => !(a == b);

    public static bool operator <(SemVersion a, SemVersion b) => a.CompareTo(b) < 0;

    public static bool operator <=(SemVersion a, SemVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >(SemVersion a, SemVersion b) => a.CompareTo(b) > 0;

    public static bool operator >=(SemVersion a, SemVersion b) => a.CompareTo(b) >= 0;

    public bool TryGetField(string name, out object? value)
    {
        value = null;
        return false;
    }

    public bool TryGetMethod(string name, out TemplateFunction? method)
    {
        method = name switch
        {
            "Major" => TemplateFunction.Fixed(name, 0, _ => Major),
            "Minor" => TemplateFunction.Fixed(name, 0, _ => Minor),
            "Patch" => TemplateFunction.Fixed(name, 0, _ => Patch),
            "Prerelease" => TemplateFunction.Fixed(name, 0, _ => Prerelease),
            "Metadata" => TemplateFunction.Fixed(name, 0, _ => Metadata),
            "Original" => TemplateFunction.Fixed(name, 0, _ => Original),
            "String" => TemplateFunction.Fixed(name, 0, _ => ToString()),
            "Compare" => TemplateFunction.Fixed(name, 1, a => (long)CompareTo(Other(a[0]))),
            "LessThan" => TemplateFunction.Fixed(name, 1, a => CompareTo(Other(a[0])) < 0),
            "GreaterThan" => TemplateFunction.Fixed(name, 1, a => CompareTo(Other(a[0])) > 0),
            "Equal" => TemplateFunction.Fixed(name, 1, a => CompareTo(Other(a[0])) == 0),
            "IncMajor" => TemplateFunction.Fixed(name, 0, _ => Create(Major + 1, 0, 0)),
            "IncMinor" => TemplateFunction.Fixed(name, 0, _ => Create(Major, Minor + 1, 0)),
            "IncPatch" => TemplateFunction.Fixed(name, 0, _ => Prerelease.Length > 0 ? Create(Major, Minor, Patch) : Create(Major, Minor, Patch + 1)),
            _ => null,
        };
        return method is not null;
    }

    private static SemVersion Other(object? o) => o as SemVersion
        ?? throw new Functions.ArgumentTypeException($"wrong type for value; expected *semver.Version; got {GoValue.TypeName(o)}");
}
