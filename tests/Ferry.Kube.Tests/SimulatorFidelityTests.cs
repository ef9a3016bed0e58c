using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Ferry.Kube.Tests;

/// <summary>
/// The simulator against the bodies kube-apiserver answers for the same requests: Status objects as
/// apimachinery's errors package builds them (NewNotFound, NewAlreadyExists, NewConflict, NewForbidden, the
/// generic 404 of an unknown path), and the shape of created objects. Raw HTTP, so nothing in between hides a
/// difference. Fields that vary per run (uid, resourceVersion, timestamps) are compared by presence.
/// </summary>
public sealed class SimulatorFidelityTests : IDisposable
{
    private readonly ApiSimulator _api = new();
    private readonly HttpClient _http = new();

    public SimulatorFidelityTests() => _http.BaseAddress = new Uri(_api.Url);

    public void Dispose()
    {
        _http.Dispose();
        _api.Dispose();
    }

    private async Task<(int Code, JsonNode Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static void AssertSame(string recorded, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(recorded), actual), $"expected {recorded}\n     got {actual.ToJsonString()}");

    [Fact]
    public async Task NotFound_CoreAndGroupResources_AndUnknownPaths()
    {
        var (code, body) = await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/missing");
        Assert.Equal(404, code);
        AssertSame("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"missing\" not found","reason":"NotFound","details":{"name":"missing","kind":"configmaps"},"code":404}""", body);

        (code, body) = await SendAsync(HttpMethod.Get, "/apis/apps/v1/namespaces/default/deployments/missing");
        Assert.Equal(404, code);
        AssertSame("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"missing\" not found","reason":"NotFound","details":{"name":"missing","group":"apps","kind":"deployments"},"code":404}""", body);

        (code, body) = await SendAsync(HttpMethod.Get, "/apis/nope.example.com/v1/widgets");
        Assert.Equal(404, code);
        AssertSame("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}""", body);

        (code, body) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/nope/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}""");
        Assert.Equal(404, code);
        AssertSame("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \"nope\" not found","reason":"NotFound","details":{"name":"nope","kind":"namespaces"},"code":404}""", body);
    }

    [Fact]
    public async Task Create_ReturnsTheObjectWithServerFields_ThenAlreadyExistsAndConflict()
    {
        var (code, created) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","labels":{"a":"b"}},"data":{"k":"v"}}""");
        Assert.Equal(201, code);
        var md = created["metadata"]!.AsObject();
        Assert.Equal(["creationTimestamp", "labels", "name", "namespace", "resourceVersion", "uid"], md.Select(kv => kv.Key).Order(StringComparer.Ordinal)); // no generation: ConfigMaps have no spec
        Assert.Matches("^[0-9]+$", md["resourceVersion"]!.GetValue<string>());
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", md["creationTimestamp"]!.GetValue<string>());
        Assert.Equal(("v1", "ConfigMap", "v"), (created["apiVersion"]!.GetValue<string>(), created["kind"]!.GetValue<string>(), created["data"]!["k"]!.GetValue<string>()));

        (code, var body) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}""");
        Assert.Equal(409, code);
        AssertSame("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"cm\" already exists","reason":"AlreadyExists","details":{"name":"cm","kind":"configmaps"},"code":409}""", body);

        (code, body) = await SendAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps/cm", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","resourceVersion":"1"},"data":{"k":"w"}}""");
        Assert.Equal(409, code);
        AssertSame("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on configmaps \"cm\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"cm","kind":"configmaps"},"code":409}""", body);
    }

    [Fact]
    public async Task Forbidden_NamesTheUserVerbResourceAndScope()
    {
        _api.Forbid("secrets");
        var (code, body) = await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/secrets/db");
        Assert.Equal(403, code);
        AssertSame("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets \"db\" is forbidden: User \"system:serviceaccount:test:ferry\" cannot get resource \"secrets\" in API group \"\" in the namespace \"default\"","reason":"Forbidden","details":{"name":"db","kind":"secrets"},"code":403}""", body);
        (code, body) = await SendAsync(HttpMethod.Get, "/api/v1/secrets");
        Assert.Equal(403, code);
        AssertSame("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets is forbidden: User \"system:serviceaccount:test:ferry\" cannot list resource \"secrets\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"kind":"secrets"},"code":403}""", body);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/services", "Service", "1web", "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character")]
    [InlineData("/api/v1/namespaces", "Namespace", "team.a", "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'")]
    [InlineData("/api/v1/namespaces/default/configmaps", "ConfigMap", "a..b", "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'")]
    [InlineData("/apis/rbac.authorization.k8s.io/v1/clusterroles", "ClusterRole", "system/reader", "may not contain '/'")]
    public async Task Names_AreCheckedByEachKindsRule(string path, string kind, string name, string problem)
    {
        var (code, body) = await SendAsync(HttpMethod.Post, path, "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{}}");
        Assert.Equal(422, code);
        Assert.Equal("Invalid", body["reason"]!.GetValue<string>());
        Assert.StartsWith($"{kind} \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": {problem}", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_RbacTakesPathSegments_ApiServicesTheirVersionAndGroup()
    {
        var (code, _) = await SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/clusterroles", """{"metadata":{"name":"system:metrics-server-aggregated-reader"}}""");
        Assert.Equal(201, code);
        (code, var body) = await SendAsync(HttpMethod.Post, "/apis/apiregistration.k8s.io/v1/apiservices", """{"metadata":{"name":"metrics"},"spec":{"group":"metrics.k8s.io","version":"v1beta1"}}""");
        Assert.Equal(422, code);
        Assert.EndsWith("must be v1beta1.metrics.k8s.io", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        (code, _) = await SendAsync(HttpMethod.Post, "/apis/apiregistration.k8s.io/v1/apiservices", """{"metadata":{"name":"v1beta1.metrics.k8s.io"},"spec":{"group":"metrics.k8s.io","version":"v1beta1"}}""");
        Assert.Equal(201, code);
    }

    [Fact]
    public async Task DryRun_AnswersButStoresNothing_NoOpApply_WritesNothing()
    {
        var (code, body) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps?dryRun=All", """{"metadata":{"name":"dry"},"data":{"a":"1"}}""");
        Assert.Equal(201, code);
        Assert.Equal("1", body["data"]!["a"]!.GetValue<string>());
        (code, _) = await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/dry");
        Assert.Equal(404, code);
        (code, body) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps?dryRun=Some", """{"metadata":{"name":"dry"}}""");
        Assert.Equal(400, code);

        async Task<JsonNode> ApplyAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/cm?fieldManager=ferry")
            {
                Content = new StringContent("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"a":"1"}}""", Encoding.UTF8),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");
            using var response = await _http.SendAsync(request);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }
        var first = await ApplyAsync();
        var second = await ApplyAsync();
        Assert.Equal(first["metadata"]!["resourceVersion"]!.GetValue<string>(), second["metadata"]!["resourceVersion"]!.GetValue<string>());
        var owned = first["metadata"]!["managedFields"]![0]!;
        Assert.Equal("FieldsV1", owned["fieldsType"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"f:data":{"f:a":{}}}"""), owned["fieldsV1"]), owned.ToJsonString());
    }
}
