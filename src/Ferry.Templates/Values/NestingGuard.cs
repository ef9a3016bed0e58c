using System.Runtime.CompilerServices;

namespace Ferry.Templates.Values;

/// <summary>
/// Bounds one recursive walk over template values, which may be deeply nested (hostile YAML) or contain themselves
/// (<c>set $d "k" $d</c>). Like Go's encoding/json it starts tracking the maps and lists on the current path once the
/// walk is 1000 levels deep, so a cycle is found without cost on ordinary values; and it refuses to go deeper than the
/// thread's stack allows, so no value can crash the process.
/// </summary>
public sealed class NestingGuard
{
    private const int DetectCyclesAfter = 1000; // encoding/json's startDetectingCyclesAfter

    private readonly HashSet<object> _path = new(ReferenceEqualityComparer.Instance);
    private int _depth;

    /// <summary>The message for a value nested deeper than the stack allows.</summary>
    public const string TooDeep = "value is nested too deeply to process (more levels of maps and lists than the renderer's stack allows)";

    /// <summary>Enters <paramref name="container"/>; false if it is already on the path (a cycle), and then nothing was entered.</summary>
    public bool TryEnter(object container)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateFunctionException(TooDeep);
        }
        if (++_depth > DetectCyclesAfter && !_path.Add(Identity(container)))
        {
            _depth--;
            return false;
        }
        return true;
    }

    /// <summary>Leaves a container entered with <see cref="TryEnter"/>.</summary>
    public void Exit(object container)
    {
        if (_depth-- > DetectCyclesAfter)
        {
            _path.Remove(Identity(container));
        }
    }

    private static object Identity(object container) => container is GoTypedDictionary typed ? typed.Inner : container;
}
