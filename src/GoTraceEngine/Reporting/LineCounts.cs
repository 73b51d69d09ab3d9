namespace GoTraceEngine.Reporting;

/// <summary>Line accounting.</summary>
/// <remarks>Members are <c>required init</c>, so the type can grow without breaking binary compatibility.</remarks>
public sealed record LineCounts
{
    /// <summary>Lines read.</summary>
    public required long Total { get; init; }

    /// <summary>Lines that were events.</summary>
    public required long Events { get; init; }

    /// <summary>Lines that were not events.</summary>
    public required long Skipped { get; init; }

    /// <summary>Skipped lines by <see cref="Parsing.LineCategory"/> (camelCase names, every category listed).</summary>
    public required IReadOnlyDictionary<string, long> SkippedByCategory { get; init; }
}
