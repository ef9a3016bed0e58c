using System.Text;
using System.Text.RegularExpressions;

namespace Ferry.Kube.Support;

/// <summary>
/// Removes secrets from what a support bundle carries. Known secret values (the deploy-env Secret's values, keys the
/// bundle declares secret) are replaced wherever they appear, plain or base64; beyond them, anything that looks like
/// a secret is: the value after a secret-looking name (<c>password=</c>, <c>"token": "…"</c>, <c>API_KEY: …</c>,
/// <c>--password …</c>), the password in a URL or connection string (<c>postgres://user:PASS@host</c>,
/// <c>Password=…;</c>), <c>Authorization: Bearer|Basic …</c> headers, PEM private keys, JWTs and AWS access keys.
/// </summary>
public sealed partial class Redactor
{
    public const string Redacted = "<redacted>";

    private readonly List<string> _values;

    /// <param name="secretValues">Values known to be secret (values shorter than 4 characters are left alone: masking
    /// "1" or "yes" everywhere would hide everything else and reveal the secret by its gaps).</param>
    public Redactor(IEnumerable<string> secretValues)
    {
        _values = [.. secretValues.Where(v => v.Length >= 4)
            .SelectMany(v => new[] { v, Convert.ToBase64String(Encoding.UTF8.GetBytes(v)) })
            .Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];
    }

    /// <summary>Whether a setting's name says it holds a secret (PASSWORD, DB_PASS, API_TOKEN, TLS_KEY, CLIENT_SECRET, DATABASE_URL, …).</summary>
    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    /// <summary>Whether a setting's value looks secret whatever its name: a URL or connection string with a password, a private key, a JWT, an AWS
    /// key.</summary>
    public static bool LooksSecret(string value) => UrlPassword().IsMatch(value) || ConnectionPassword().IsMatch(value) || PrivateKey()
        .IsMatch(value) || Jwt().IsMatch(value) || AwsKey().IsMatch(value);

    public string Redact(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }
        foreach (var v in _values)
        {
            text = text.Replace(v, Redacted, StringComparison.Ordinal);
        }
        text = PrivateKey().Replace(text, "-----BEGIN PRIVATE KEY-----" + Redacted + "-----END PRIVATE KEY-----");
        text = Authorization().Replace(text, m => m.Groups["head"].Value + Redacted);
        text = UrlPassword().Replace(text, m => m.Groups["head"].Value + Redacted + "@");
        text = ConnectionPassword().Replace(text, m => m.Groups["head"].Value + Redacted);
        text = Assignment().Replace(text, m => m.Groups["value"].Value == Redacted ? m.Value : m.Groups["head"].Value + m.Groups["q"].Value
            + Redacted + m.Groups["q"].Value);
        text = Jwt().Replace(text, Redacted);
        text = AwsKey().Replace(text, Redacted);
        return text;
    }

    [GeneratedRegex(@"(?i)(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|credential|auth"
        + @"|(^|[_-])key$|dsn|connection[_-]?string|database[_-]?url|db[_-]?url)")]
    private static partial Regex SecretName();

    /// <summary>The words that make a name secret, in the case styles names come in.</summary>
    private const string SecretWord =
        "(?:[Pp]ass(?:word|wd|phrase)?|PASS(?:WORD|WD|PHRASE)?|[Pp]wd|PWD|[Ss]ecret|SECRET|[Tt]oken|TOKEN|[Aa]pi[_-]?[Kk]ey|API[_-]?KEY"
        + "|[Aa]ccess[_-]?[Kk]ey|ACCESS[_-]?KEY|[Pp]rivate[_-]?[Kk]ey|PRIVATE[_-]?KEY|[Cc]redentials?|CREDENTIALS?)";

    /// <summary>
    /// NAME=value, NAME: value, "name": "value", --name value and --name=value, for names that say secret (DB_PASSWORD,
    /// accessToken, api-key, client_secret); a word merely containing one (compass, passed, tokens) is left alone.
    /// </summary>
    [GeneratedRegex("""(?<![A-Za-z0-9])(?<head>--[A-Za-z0-9-]*?""" + SecretWord
        + """(?:[_.-][A-Za-z0-9_.-]*)?(?:=|\s+)|["']?(?:[A-Za-z0-9_.-]*[_.-]|[A-Za-z0-9]*[a-z0-9](?=[A-Z]))?""" + SecretWord
        + """(?:[_.-][A-Za-z0-9_.-]*)?["']?\s*[:=]\s*)(?:(?<q>["'])(?<value>[^"'\r\n]*)\k<q>|(?<value>[^\s,;&"'}]+))""")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(?<head>[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@")]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"(?<head>(?i)(?:^|[;\s])(?:password|pwd)\s*=\s*)[^;\s]+", RegexOptions.Multiline)]
    private static partial Regex ConnectionPassword();

    [GeneratedRegex(@"(?<head>(?i)authorization\s*[:=]\s*(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+")]
    private static partial Regex Authorization();

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")]
    private static partial Regex AwsKey();
}
