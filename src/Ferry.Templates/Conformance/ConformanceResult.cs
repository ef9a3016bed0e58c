namespace Ferry.Templates.Conformance;

/// <summary>The outcome of one vector.</summary>
public enum CaseOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One vector's result: name, outcome, and for failures what was expected and what Ferry produced.</summary>
public sealed record CaseResult(string Name, CaseOutcome Outcome, string? Expected = null, string? Got = null, string? Note = null);

/// <summary>The results of one vector file.</summary>
public sealed record ConformanceResult(string File, IReadOnlyList<CaseResult> Cases)
{
    public int Passed => Cases.Count(c => c.Outcome == CaseOutcome.Passed);

    public int Failed => Cases.Count(c => c.Outcome == CaseOutcome.Failed);

    public int Skipped => Cases.Count(c => c.Outcome == CaseOutcome.Skipped);

    /// <summary>The summary line: <c>FILE: N passed, M failed</c> (and skipped when any).</summary>
    public string Summary => Skipped > 0
        ? $"{File}: {Passed} passed, {Failed} failed, {Skipped} skipped"
        : $"{File}: {Passed} passed, {Failed} failed";
}
