namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// values.schema.json validation judged by real helm: each schema and values below are rendered by helm and Ferry;
/// both must accept or reject, and on rejection print the same violations (helm lists them in Go's random map order,
/// so the lines are compared as a set, nesting kept).
/// </summary>
public sealed class SchemaJudgedTests
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        {
            "dialect-schema-hash-types", """{"$schema":"http://json-schema.org/schema#","type":"object","required":["a","zz"],"properties":{"a":{"type":"integer","maximum":100},"b":{"type":"string","enum":["x","y"]},"c":{"type":"string","pattern":"^[a-z]+$","minLength":3}}}""",
            "a: 1000.5\nb: z\nc: AB\n"
        },
        {
            "draft7-keywords", """{"$schema":"https://json-schema.org/draft-07/schema#","type":"object","properties":{"a":{"type":"number","maximum":100,"multipleOf":0.5},"b":{"const":"x"},"c":{"type":["string","null"]},"d":{"not":{"type":"string"}},"e":{"allOf":[{"type":"string"},{"minLength":5}]},"f":{"oneOf":[{"type":"string"},{"type":"string"}]},"g":{"type":"array","uniqueItems":true,"maxItems":2},"h":{"$ref":"#/definitions/x"},"i":{"if":{"type":"string"},"then":{"minLength":3},"else":{"type":"integer"}},"j":{"type":"object","minProperties":2,"patternProperties":{"^z":{"type":"integer"}}},"k":{"enum":[1,"a",null,true]},"l":{"type":"integer","minimum":5000},"m":{"dependencies":{"p":["q","r"]}},"o":{"format":"ipv4"},"p":false,"q":{"contains":{"type":"integer"}},"r":{"type":"integer","exclusiveMaximum":3}},"definitions":{"x":{"type":"string"}}}""",
            "a: 1000.3\nb: y\nc: 1\nd: s\ne: 1\nf: s\ng: [1,1,2]\nh: 1\ni: ab\nj: {z: a}\nk: 2\nl: 12\nm: {p: 1}\no: 1.2.3\np: 1\nq: [a]\nr: 3\n"
        },
        {
            "valid-values-pass", """{"$schema":"http://json-schema.org/draft-07/schema","type":"object","properties":{"replicas":{"type":"integer","minimum":1},"image":{"type":"object","required":["repository"],"properties":{"repository":{"type":"string"}}}}}""",
            "replicas: 3\nimage:\n  repository: nginx\n"
        },
        {
            "additional-properties-and-nested", """{"type":"object","additionalProperties":false,"properties":{"svc":{"type":"object","additionalProperties":{"type":"integer"},"properties":{"name":{"type":"string"}}}}}""",
            "svc:\n  name: 5\n  port: x\n  other: 2\nextra: 1\n"
        },
        {
            "anyof-oneof-none", """{"type":"object","properties":{"a":{"anyOf":[{"type":"string"},{"type":"boolean"}]},"b":{"oneOf":[{"type":"string"},{"type":"boolean"}]}}}""",
            "a: 3\nb: 4\n"
        },
        {
            "ref-with-several-errors", """{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"h":{"$ref":"#/definitions/hh"}},"definitions":{"hh":{"type":"array","items":{"type":"string"},"minItems":2}}}""",
            "h: [1]\n"
        },
        {
            "draft2020-defs-prefixitems", """{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"t":{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false},"d":{"$ref":"#/$defs/port"}},"$defs":{"port":{"type":"integer","minimum":1,"maximum":65535}}}""",
            "t: [a, b, c]\nd: 70000\n"
        },
        {
            "draft4-exclusive-boolean", """{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"n":{"type":"number","maximum":10,"exclusiveMaximum":true},"m":{"type":"number","minimum":1,"exclusiveMinimum":true}}}""",
            "n: 10\nm: 1\n"
        },
        {
            "string-formats-draft7", """{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"h":{"format":"hostname"},"e":{"format":"email"},"d":{"format":"date-time"},"u":{"format":"uuid"},"v6":{"format":"ipv6"}}}""",
            "h: -bad-.example\ne: nobody\nd: 2024-01-01\nu: 1234\nv6: 1.2.3.4\n"
        },
        {
            "numbers-grouped-in-messages", """{"type":"object","properties":{"big":{"type":"integer","maximum":1000000},"neg":{"type":"number","minimum":-2.5}}}""",
            "big: 123456789\nneg: -1000.25\n"
        },
        {
            "nulls-and-empty", """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"object"},"c":{"type":"array","minItems":1}},"required":["c"]}""",
            "a: null\nb: []\nc: []\n"
        },
        {
            "property-names-and-dependent-required", """{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"labels":{"type":"object","propertyNames":{"pattern":"^[a-z]+$"}},"tls":{"type":"object","dependentRequired":{"enabled":["secret"]}}}}""",
            "labels: {Bad: x, good: y}\ntls: {enabled: true}\n"
        },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Validation_MatchesHelm(string name, string schema, string values)
    {
        HelmJudge.Require();
        var dir = Directory.CreateTempSubdirectory("ferry-schema-judged-").FullName;
        try
        {
            var chart = Path.Combine(dir, "c");
            Directory.CreateDirectory(Path.Combine(chart, "templates"));
            File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n");
            File.WriteAllText(Path.Combine(chart, "values.schema.json"), schema);
            File.WriteAllText(Path.Combine(chart, "values.yaml"), values);
            File.WriteAllText(Path.Combine(chart, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
            var helm = HelmJudge.Template(dir, "r", "./c");
            var ferry = HelmTemplate.Run(chart, new HelmTemplateOptions { ReleaseName = "r" });
            Assert.True((helm.ExitCode == 0) == ferry.Succeeded, $"{name}: helm exit {helm.ExitCode}, ferry {(ferry.Succeeded ? "succeeded" : "failed: " + ferry.Error)}\n{helm.Stderr}");
            if (ferry.Succeeded)
            {
                Assert.Equal(helm.Stdout.TrimEnd(), ferry.Output.TrimEnd());
                return;
            }
            Assert.Equal(Blocks(helm.Stderr), Blocks("Error: " + ferry.Error + "\n"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Each top-level violation with its nested lines, sorted (helm's order is Go's random map order).</summary>
    private static List<string> Blocks(string stderr)
    {
        var blocks = new List<string>();
        foreach (var line in stderr.Split('\n'))
        {
            if (line.StartsWith("  ", StringComparison.Ordinal) && blocks.Count > 0)
            {
                blocks[^1] += "\n" + line;
            }
            else
            {
                blocks.Add(line);
            }
        }
        return blocks.Select(b => string.Join("\n", b.Split('\n').Take(1).Concat(b.Split('\n').Skip(1).Order(StringComparer.Ordinal)))).Order(StringComparer.Ordinal).ToList();
    }
}
