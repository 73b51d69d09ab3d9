namespace GoTraceEngine.Reporting;

/// <summary>A line that could not be used.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record LineDiagnostic
{
    /// <summary>Its line number.</summary>
    public required long Line { get; init; }

    /// <summary><c>malformed</c> or <c>tooLong</c>.</summary>
    public required DiagnosticKind Category { get; init; }

    /// <summary>What is wrong with it.</summary>
    public required string Message { get; init; }

    /// <summary>The start of the line (at most 200 characters).</summary>
    public required string Text { get; init; }
}
