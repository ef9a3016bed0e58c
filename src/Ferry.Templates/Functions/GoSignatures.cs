using Ferry.Templates.Values;

namespace Ferry.Templates.Functions;

/// <summary>
/// The Go parameter types of Sprig's and Helm's template functions, as declared in their Go source (Sprig v3
/// <c>functions.go</c> and friends, Helm's <c>pkg/engine/funcs.go</c>). With them the engine checks arguments exactly
/// as Go's text/template does: a literal of the wrong kind (<c>trunc "5" .x</c>: <c>expected integer; found "5"</c>),
/// a value of the wrong type at the argument that carries it (<c>wrong type for value; expected string; got float64</c>),
/// no value for a map parameter (an empty map). Functions whose parameters are all <c>interface {}</c> need no entry.
/// </summary>
public static class GoSignatures
{
    /// <summary>Name → parameter list; <c>...T</c> marks a variadic last parameter.</summary>
    public static readonly IReadOnlyDictionary<string, string> Table = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // strings
        ["abbrev"] = "int,string",
        ["abbrevboth"] = "int,int,string",
        ["trunc"] = "int,string",
        ["trim"] = "string",
        ["upper"] = "string",
        ["lower"] = "string",
        ["title"] = "string",
        ["untitle"] = "string",
        ["substr"] = "int,int,string",
        ["repeat"] = "int,string",
        ["trimAll"] = "string,string",
        ["trimall"] = "string,string",
        ["trimSuffix"] = "string,string",
        ["trimPrefix"] = "string,string",
        ["nospace"] = "string",
        ["initials"] = "string",
        ["randAlphaNum"] = "int",
        ["randAlpha"] = "int",
        ["randAscii"] = "int",
        ["randNumeric"] = "int",
        ["swapcase"] = "string",
        ["shuffle"] = "string",
        ["snakecase"] = "string",
        ["camelcase"] = "string",
        ["kebabcase"] = "string",
        ["wrap"] = "int,string",
        ["wrapWith"] = "int,string,string",
        ["contains"] = "string,string",
        ["hasPrefix"] = "string,string",
        ["hasSuffix"] = "string,string",
        ["indent"] = "int,string",
        ["nindent"] = "int,string",
        ["replace"] = "string,string,string",
        ["plural"] = "string,string,int",
        ["sha1sum"] = "string",
        ["sha256sum"] = "string",
        ["sha512sum"] = "string",
        ["adler32sum"] = "string",
        ["atoi"] = "string",
        ["seq"] = "...int",
        ["split"] = "string,string",
        ["splitList"] = "string,string",
        ["splitn"] = "string,int,string",
        ["until"] = "int",
        ["untilStep"] = "int,int,int",
        ["randInt"] = "int,int",
        ["round"] = "any,int,...float64",
        ["join"] = "string,any",
        ["ternary"] = "any,any,bool",
        ["typeIs"] = "string,any",
        ["typeIsLike"] = "string,any",
        ["kindIs"] = "string,any",
        ["fromJson"] = "string",
        ["mustFromJson"] = "string",
        ["getHostByName"] = "string",
        ["base"] = "string",
        ["dir"] = "string",
        ["clean"] = "string",
        ["ext"] = "string",
        ["isAbs"] = "string",
        ["osBase"] = "string",
        ["osDir"] = "string",
        ["osClean"] = "string",
        ["osExt"] = "string",
        ["osIsAbs"] = "string",
        ["b64enc"] = "string",
        ["b64dec"] = "string",
        ["b32enc"] = "string",
        ["b32dec"] = "string",
        ["hello"] = "",

        // dates
        ["date"] = "string,any",
        ["dateInZone"] = "string,any,string",
        ["date_in_zone"] = "string,any,string",
        ["dateModify"] = "string,time",
        ["date_modify"] = "string,time",
        ["mustDateModify"] = "string,time",
        ["must_date_modify"] = "string,time",
        ["htmlDateInZone"] = "any,string",
        ["toDate"] = "string,string",
        ["mustToDate"] = "string,string",
        ["unixEpoch"] = "time",

        // dictionaries and lists
        ["get"] = "map,string",
        ["set"] = "map,string,any",
        ["unset"] = "map,string",
        ["hasKey"] = "map,string",
        ["pluck"] = "string,...map",
        ["keys"] = "...map",
        ["pick"] = "map,...string",
        ["omit"] = "map,...string",
        ["merge"] = "map,...map",
        ["mergeOverwrite"] = "map,...map",
        ["mustMerge"] = "map,...map",
        ["mustMergeOverwrite"] = "map,...map",
        ["values"] = "map",
        ["chunk"] = "int,any",
        ["mustChunk"] = "int,any",
        ["urlParse"] = "string",
        ["urlJoin"] = "map",

        // crypto and certificates
        ["bcrypt"] = "string",
        ["htpasswd"] = "string,string",
        ["genPrivateKey"] = "string",
        ["derivePassword"] = "uint32,string,string,string,string",
        ["buildCustomCert"] = "string,string",
        ["genCA"] = "string,int",
        ["genCAWithKey"] = "string,int,string",
        ["genSelfSignedCert"] = "string,list,list,int",
        ["genSelfSignedCertWithKey"] = "string,list,list,int,string",
        ["genSignedCert"] = "string,list,list,int,certificate",
        ["genSignedCertWithKey"] = "string,list,list,int,certificate,string",
        ["encryptAES"] = "string,string",
        ["decryptAES"] = "string,string",
        ["randBytes"] = "int",
        ["semver"] = "string",
        ["semverCompare"] = "string,string",

        // regular expressions
        ["regexMatch"] = "string,string",
        ["mustRegexMatch"] = "string,string",
        ["regexFindAll"] = "string,string,int",
        ["mustRegexFindAll"] = "string,string,int",
        ["regexFind"] = "string,string",
        ["mustRegexFind"] = "string,string",
        ["regexReplaceAll"] = "string,string,string",
        ["mustRegexReplaceAll"] = "string,string,string",
        ["regexReplaceAllLiteral"] = "string,string,string",
        ["mustRegexReplaceAllLiteral"] = "string,string,string",
        ["regexSplit"] = "string,string,int",
        ["mustRegexSplit"] = "string,string,int",
        ["regexQuoteMeta"] = "string",

        // Go's builtins with typed parameters
        ["printf"] = "string,...any",

        // Helm
        ["fromToml"] = "string",
        ["fromYaml"] = "string",
        ["fromYamlArray"] = "string",
        ["fromJsonArray"] = "string",
        ["include"] = "string,any",
        ["tpl"] = "string,any",
        ["required"] = "string,any",
        ["fail"] = "string",
        ["lookup"] = "string,string,string,string",
    };

    /// <summary>Declares the parameter types of every registered function the table names.</summary>
    public static void Apply(FunctionRegistry registry)
    {
        foreach (var (name, signature) in Table)
        {
            if (registry.TryGet(name, out var f))
            {
                registry.Add(f.WithParams(Parse(signature)));
            }
        }
    }

    /// <summary>The parameter kinds of a signature (a variadic one's element type last).</summary>
    public static GoParam[] Parse(string signature) =>
        signature.Length == 0
            ? []
            : signature.Split(',').Select(p => p.TrimStart('.') switch
            {
                "any" => GoParam.Any,
                "string" => GoParam.String,
                "int" => GoParam.Int,
                "uint32" => GoParam.Uint32,
                "float64" => GoParam.Float64,
                "bool" => GoParam.Bool,
                "map" => GoParam.Map,
                "values" => GoParam.Values,
                "list" => GoParam.List,
                "time" => GoParam.Time,
                "certificate" => GoParam.Certificate,
                var other => throw new ArgumentException($"unknown parameter type {other}"),
            }).ToArray();

    /// <summary>Whether a signature ends with a variadic parameter.</summary>
    public static bool IsVariadic(string signature) => signature.Split(',')[^1].StartsWith("...", StringComparison.Ordinal);
}
