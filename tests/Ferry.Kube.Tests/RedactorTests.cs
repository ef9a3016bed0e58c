using Ferry.Kube.Support;

namespace Ferry.Kube.Tests;

/// <summary>The support bundle's redaction rules on real-looking log lines, configs and settings.</summary>
public sealed class RedactorTests
{
    private static readonly Redactor Known = new(["Tr0ub4dor-s3cret-77", "no"]);

    [Theory]
    [InlineData("connecting with Tr0ub4dor-s3cret-77 to db", "connecting with <redacted> to db")]
    [InlineData("b64: VHIwdWI0ZG9yLXMzY3JldC03Nw==", "b64: <redacted>")]
    [InlineData("DB_PASSWORD=hunter2", "DB_PASSWORD=<redacted>")]
    [InlineData("export API_TOKEN='abc def'", "export API_TOKEN='<redacted>'")]
    [InlineData("  password: \"p@ss w0rd\"", "  password: \"<redacted>\"")]
    [InlineData("{\"user\":\"app\",\"accessToken\":\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\"}", "{\"user\":\"app\",\"accessToken\":\"<redacted>\"}")]
    [InlineData("redis-server --requirepass s3cr3tRedis --port 6379", "redis-server --requirepass <redacted> --port 6379")]
    [InlineData("mysqld --password=rootpw --user=mysql", "mysqld --password=<redacted> --user=mysql")]
    [InlineData("dial postgres://shop:hunter2@db:5432/shop?sslmode=disable", "dial postgres://shop:<redacted>@db:5432/shop?sslmode=disable")]
    [InlineData("Server=db;Database=shop;User Id=sa;Password=Sql!Pass1;", "Server=db;Database=shop;User Id=sa;Password=<redacted>;")]
    [InlineData("GET /api Authorization: Bearer abc.def-ghi", "GET /api Authorization: Bearer <redacted>")]
    [InlineData("aws key AKIAIOSFODNN7EXAMPLE in use", "aws key <redacted> in use")]
    [InlineData("client_secret: 0f9e8d7c", "client_secret: <redacted>")]
    [InlineData("x-api-key=k-123", "x-api-key=<redacted>")]
    public void RedactsSecrets(string input, string expected) => Assert.Equal(expected, Known.Redact(input));

    [Theory]
    [InlineData("password authentication failed for user \"shop\"")]
    [InlineData("12 tests passed: 0 failed")]
    [InlineData("compass: north")]
    [InlineData("tokens: 42 used")]
    [InlineData("GET /healthz 200 no content")]
    [InlineData("Started container main")]
    [InlineData("Back-off pulling image \"registry.site:5000/acme/web:2.3.0\"")]
    [InlineData("secretName: shop-tls")]
    public void LeavesOrdinaryTextAlone(string input) => Assert.Equal(input, Known.Redact(input));

    [Fact]
    public void PrivateKeysGoWhole()
    {
        var pem = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\nafter";
        Assert.Equal("key:\n-----BEGIN PRIVATE KEY-----<redacted>-----END PRIVATE KEY-----\nafter", Known.Redact(pem));
    }

    [Theory]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("REDIS_PASS", true)]
    [InlineData("API_TOKEN", true)]
    [InlineData("TLS_KEY", true)]
    [InlineData("CLIENT_SECRET", true)]
    [InlineData("DATABASE_URL", true)]
    [InlineData("DOMAIN", false)]
    [InlineData("SHOP_REPLICAS", false)]
    [InlineData("KEYCLOAK_REALM", false)]
    public void SecretNames(string name, bool secret) => Assert.Equal(secret, Redactor.IsSecretName(name));

    [Theory]
    [InlineData("mongodb://root:pw@mongo:27017", true)]
    [InlineData("Host=db;Password=x", true)]
    [InlineData("https://shop.site.local", false)]
    [InlineData("3", false)]
    public void SecretLookingValues(string value, bool secret) => Assert.Equal(secret, Redactor.LooksSecret(value));
}
