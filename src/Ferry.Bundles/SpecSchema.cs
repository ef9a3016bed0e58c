using System.Collections.Concurrent;
using System.Text.Json;

namespace Ferry.Bundles;

/// <summary>The JSON Schema of ferry.yaml (printed by <c>ferry schema</c>), and the fields it allows where.</summary>
public static class SpecSchema
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(Json));

    private static readonly ConcurrentDictionary<string, string[]> Fields = new(StringComparer.Ordinal);

    /// <summary>
    /// The fields the schema allows in the mapping at <paramref name="where"/>, as the reader names places:
    /// "" (the top), "metadata.", "env[].", "apps[].", "chart." (an app's chart: every form's fields), "cluster.k3s."...
    /// </summary>
    public static string[] AllowedFields(string where) => Fields.GetOrAdd(where, static w =>
    {
        var node = Document.Value.RootElement;
        var segments = w is "chart." or "kustomize." ? ["apps[]", w[..^1]] : w.Split('.', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments)
        {
            var list = segment.EndsWith("[]", StringComparison.Ordinal);
            node = node.GetProperty("properties").GetProperty(list ? segment[..^2] : segment);
            node = list ? node.GetProperty("items") : node;
        }
        var forms = node.TryGetProperty("oneOf", out var oneOf) ? [.. oneOf.EnumerateArray()] : new[] { node };
        return [.. forms.SelectMany(f => f.GetProperty("properties").EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal)];
    });

    public const string Json = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://ferry.dev/schemas/ferry.yaml.json",
          "title": "Ferry bundle spec (ferry.yaml)",
          "type": "object",
          "required": ["apiVersion", "kind", "metadata", "apps"],
          "additionalProperties": false,
          "properties": {
            "apiVersion": { "const": "ferry.dev/v1" },
            "kind": { "const": "Bundle" },
            "metadata": {
              "type": "object", "required": ["name", "version"], "additionalProperties": false,
              "properties": {
                "name": { "type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
                "version": { "type": "string" }
              }
            },
            "registry": { "type": "object", "properties": { "rewrite": { "type": "boolean", "default": true } }, "additionalProperties": false },
            "env": {
              "type": "array",
              "items": {
                "type": "object", "required": ["name"], "additionalProperties": false,
                "properties": {
                  "name": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
                  "description": { "type": "string" },
                  "required": { "type": "boolean" },
                  "secret": { "type": "boolean" },
                  "default": { "type": "string" },
                  "pattern": { "type": "string", "format": "regex" }
                }
              }
            },
            "envMigrations": {
              "type": "array", "description": "env keys renamed since earlier versions; deploy moves the site's value (with backup)",
              "items": {
                "type": "object", "required": ["rename", "to"], "additionalProperties": false,
                "properties": {
                  "rename": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
                  "to": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" }
                }
              }
            },
            "kubernetes": {
              "type": "object", "additionalProperties": false,
              "description": "the Kubernetes charts render for when no cluster is asked (build, images, offline plan); deploy uses the cluster's own",
              "properties": {
                "version": {
                  "type": "string", "pattern": "^v?[0-9]+(\\.[0-9]+)+",
                  "description": "e.g. 1.31.4; default: cluster.k3s.version, else Helm's default"
                },
                "apiVersions": { "type": "array", "items": { "type": "string" }, "description": "extra API versions, as helm --api-versions" }
              }
            },
            "requirements": {
              "type": "object", "additionalProperties": false,
              "description": "what a site must offer; checked by ferry preflight and before every deploy",
              "properties": {
                "kubernetes": { "type": "string", "description": "a version range, e.g. \">=1.28.0-0 <1.34.0-0\"" },
                "nodes": { "type": "integer", "minimum": 1, "description": "ready nodes, at least" },
                "cpu": {
                  "type": ["string", "number"],
                  "description": "allocatable CPU over all nodes, at least (Kubernetes quantity: \"4\", \"3500m\")"
                },
                "memory": { "type": "string", "description": "allocatable memory over all nodes, at least (Kubernetes quantity: 8Gi)" },
                "storageClasses": { "type": "array", "items": { "type": "string" }, "description": "StorageClasses that must exist" },
                "nodeLabels": { "type": "array", "items": { "type": "string" }, "description": "KEY or KEY=VALUE; at least one node carries each" }
              }
            },
            "cluster": {
              "type": "object", "additionalProperties": false, "required": ["k3s"],
              "description": "what ferry cluster install sets up on the site's nodes",
              "properties": {
                "k3s": {
                  "type": "object", "additionalProperties": false, "required": ["version", "binary", "installScript"],
                  "properties": {
                    "version": { "type": "string", "pattern": "^v[0-9]+\\.[0-9]+\\.[0-9]+\\+k3s[0-9]+$" },
                    "binary": { "type": "string", "description": "the k3s executable: path relative to ferry.yaml or https URL" },
                    "images": { "type": "string", "description": "k3s-airgap-images-<arch>.tar[.zst|.gz]: path or URL" },
                    "installScript": { "type": "string", "description": "k3s's install.sh: path or URL" }
                  }
                },
                "storage": {
                  "type": "object", "additionalProperties": false,
                  "properties": { "path": { "type": "string", "description": "local-path provisioner storage folder on the nodes" } }
                }
              }
            },
            "sampleEnv": { "type": "string", "description": "dotenv file (KEY=value) used at build time, relative to ferry.yaml" },
            "imagePaths": {
              "type": "array", "description": "where images live in custom resources",
              "items": {
                "type": "object", "required": ["kind", "path"], "additionalProperties": false,
                "properties": {
                  "kind": { "type": "string", "description": "resource kind, or * for every kind" },
                  "path": { "type": "string", "description": "JSONPath subset: $, .field, ['field'], [n], [*], .*" }
                }
              }
            },
            "platforms": { "type": "array", "items": { "type": "string", "pattern": "^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$" } },
            "apps": {
              "type": "array", "minItems": 1,
              "items": {
                "type": "object", "required": ["name"], "additionalProperties": false,
                "description": "exactly one of chart, manifests or kustomize",
                "properties": {
                  "name": { "type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
                  "namespace": { "type": "string" },
                  "values": { "type": "string", "description": "values.yaml.tmpl, relative to ferry.yaml" },
                  "dependsOn": { "type": "array", "items": { "type": "string" } },
                  "images": { "type": "array", "items": { "type": "string" } },
                  "manifests": {
                    "type": "array", "items": { "type": "string" }, "minItems": 1,
                    "description": "YAML files and folders (relative to ferry.yaml), wrapped by the build into a generated chart"
                  },
                  "template": {
                    "type": "boolean", "default": true,
                    "description": "manifests are Go templates rendered with .Env (the site's deploy-env) and Helm's functions"
                  },
                  "kustomize": {
                    "type": "object",
                    "description": "a kustomization, rendered natively at build as kubectl kustomize renders it",
                    "oneOf": [
                      { "required": ["path"], "properties": { "path": { "type": "string", "description": "a folder or a .tgz" } } },
                      {
                        "required": ["git", "ref"],
                        "properties": { "git": { "type": "string" }, "ref": { "type": "string" }, "path": { "type": "string" } }
                      }
                    ]
                  },
                  "chart": {
                    "type": "object",
                    "oneOf": [
                      { "required": ["path"], "properties": { "path": { "type": "string" } } },
                      {
                        "required": ["repo", "name", "version"],
                        "properties": { "repo": { "type": "string", "format": "uri" }, "name": { "type": "string" }, "version": { "type": "string" } }
                      },
                      { "required": ["oci", "version"], "properties": { "oci": { "type": "string" }, "version": { "type": "string" } } },
                      {
                        "required": ["git", "ref"],
                        "properties": { "git": { "type": "string" }, "ref": { "type": "string" }, "path": { "type": "string" } }
                      }
                    ]
                  }
                }
              }
            }
          }
        }
        """;
}
