using k8s;

namespace Ferry.Kube.Tests;

/// <summary>The deploy journal names its format; a journal in another format is not taken over by this ferry.</summary>
public sealed class DeployJournalFormatTests
{
    [Fact]
    public async Task TheJournal_RecordsItsFormat_AndAnotherFormatIsRefused()
    {
        using var target = KubeTarget.Create();
        await target.CreateNamespaceAsync();
        var ns = target.Namespace;
        var digest = "sha256:" + new string('b', 64);
        await using (var journal = await DeployJournal.BeginAsync(target.Client, ns, "shop", "shop 1.0.0", digest, DeployJournal.DefaultLease, false))
        {
            await journal.FinishAsync(DeployJournal.Succeeded, "done");
        }
        var name = DeployJournal.ObjectName("shop");
        var map = await target.Client.CoreV1.ReadNamespacedConfigMapAsync(name, ns);
        Assert.Equal(DeployJournal.Format, map.Data["format"]);
        var data = System.Text.Json.JsonSerializer.Serialize(map.Data.ToDictionary(kv => kv.Key, kv => kv.Value), JournalTestJson.Default.DictionaryStringString);
        Assert.Null(Ferry.Charts.Schema.JsonSchemaCheck.Problems(DeployJournal.Schema, data));
        var damaged = new Dictionary<string, string>(map.Data) { ["state"] = "done", ["digest"] = "sha1:x" };
        var problems = Ferry.Charts.Schema.JsonSchemaCheck.Problems(DeployJournal.Schema,
            System.Text.Json.JsonSerializer.Serialize(damaged, JournalTestJson.Default.DictionaryStringString));
        Assert.Contains("state", problems, StringComparison.Ordinal);
        Assert.Contains("digest", problems, StringComparison.Ordinal);

        map.Data["format"] = "ferry.dev/v2";
        await target.Client.CoreV1.ReplaceNamespacedConfigMapAsync(map, name, ns);
        var e = await Assert.ThrowsAsync<KubeException>(() =>
            DeployJournal.BeginAsync(target.Client, ns, "shop", "shop 1.0.1", digest, DeployJournal.DefaultLease, forceUnlock: true));
        Assert.Contains("is in format ferry.dev/v2", e.Message, StringComparison.Ordinal);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class JournalTestJson : System.Text.Json.Serialization.JsonSerializerContext;
