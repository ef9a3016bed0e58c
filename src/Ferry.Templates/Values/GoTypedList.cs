namespace Ferry.Templates.Values;

/// <summary>
/// A Go slice whose element type is not <c>interface {}</c> (<c>[]string</c> from <c>splitList</c>, <c>[]int</c> from
/// <c>until</c>): it behaves as any list, <c>%T</c>/<c>typeOf</c> name its type, and it is not a <c>[]interface {}</c>
/// to a function that declares one.
/// </summary>
public sealed class GoTypedList : List<object?>
{
    public GoTypedList(string goTypeName)
    {
        GoTypeName = goTypeName;
    }

    public GoTypedList(string goTypeName, IEnumerable<object?> items)
        : base(items)
    {
        GoTypeName = goTypeName;
    }

    public string GoTypeName { get; }

    /// <summary>A nil slice (Go's <c>FindAllString</c> with no match): JSON and YAML write it as <c>null</c>.</summary>
    public bool IsNil { get; private init; }

    public static GoTypedList Nil(string goTypeName) => new(goTypeName) { IsNil = true };

    public static GoTypedList Strings(IEnumerable<string> items) => new("[]string", items);

    public static GoTypedList Ints(IEnumerable<long> items) => new("[]int", items.Select(i => (object?)i));
}
