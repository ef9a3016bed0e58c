namespace Ferry.Templates.Functions.Helm;

/// <summary>Answers Helm's <c>lookup apiVersion kind namespace name</c>; an empty map means "not found".</summary>
public delegate IDictionary<string, object?> LookupFunction(string apiVersion, string kind, string @namespace, string name);

/// <summary>How Helm's functions behave for one render.</summary>
public sealed class HelmFunctionOptions
{
    /// <summary>Cluster reads for <c>lookup</c>; by default (offline rendering) every lookup returns an empty map.</summary>
    public LookupFunction? Lookup { get; init; }

    /// <summary>Lint mode: <c>required</c> and <c>fail</c> do not abort rendering.</summary>
    public bool LintMode { get; init; }

    /// <summary>Receives what <c>required</c>/<c>fail</c> would have failed with, in lint mode.</summary>
    public Action<string>? LintWarning { get; init; }

    /// <summary>Strict mode: missing keys are errors inside <c>tpl</c> too.</summary>
    public bool Strict { get; init; }

    /// <summary>The clock for <c>now</c> and friends.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
