namespace Ferry.Kustomize;

/// <summary>A kustomization Ferry cannot render: the file (and line) and what to do.</summary>
public sealed class KustomizeException(string message, Exception? inner = null) : FerryException(FailureKind.Input, message, inner);
