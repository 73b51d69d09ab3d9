using GoTraceEngine.State;

namespace GoTraceEngine;

/// <summary>
/// Settings of a <see cref="TraceEngine{TSink}"/>. A value type configured with <c>with</c>; <c>default</c> gives the
/// documented defaults.
/// </summary>
/// <example><code>var options = new TraceEngineOptions { MaxLineLength = 1 &lt;&lt; 20 };</code></example>
public readonly record struct TraceEngineOptions
{
    /// <summary>Default of <see cref="MaxLineLength"/>: 64 KiB.</summary>
    public const int DefaultMaxLineLength = 64 * 1024;

    /// <summary>Default of <see cref="ReadBufferSize"/>: 1 MiB.</summary>
    public const int DefaultReadBufferSize = 1024 * 1024;

    /// <summary>Default of <see cref="MaxWarnings"/> and <see cref="MaxDiagnostics"/>.</summary>
    public const int DefaultMaxMessages = 100;

    /// <summary>Default of <see cref="InitialCapacity"/>.</summary>
    public const int DefaultInitialCapacity = 1024;

    private readonly int _maxLineLength;
    private readonly int _readBufferSize;
    private readonly int _maxWarnings;
    private readonly int _maxDiagnostics;
    private readonly int _initialCapacity;
    private readonly ReasonTable? _reasons;

    /// <summary>
    /// The longest line, in bytes without its <c>\n</c>, that is parsed (default 64 KiB). A longer line is skipped and
    /// counted as <see cref="Parsing.LineCategory.TooLong"/> without being buffered, so memory stays bounded however long it is.
    /// </summary>
    public int MaxLineLength { get => _maxLineLength > 0 ? _maxLineLength : DefaultMaxLineLength; init => _maxLineLength = value; }

    /// <summary>The size of each read from a stream or file (default 1 MiB).</summary>
    public int ReadBufferSize { get => _readBufferSize > 0 ? _readBufferSize : DefaultReadBufferSize; init => _readBufferSize = value; }

    /// <summary>How many warnings (data loss, probe errors) the report keeps verbatim (default 100); all are counted.</summary>
    public int MaxWarnings { get => _maxWarnings > 0 ? _maxWarnings : DefaultMaxMessages; init => _maxWarnings = value; }

    /// <summary>How many diagnostics (malformed and too-long lines) the report keeps verbatim (default 100); all are counted.</summary>
    public int MaxDiagnostics { get => _maxDiagnostics > 0 ? _maxDiagnostics : DefaultMaxMessages; init => _maxDiagnostics = value; }

    /// <summary>The initial capacity of each goroutine table (default 1024); tables grow as needed.</summary>
    public int InitialCapacity { get => _initialCapacity > 0 ? _initialCapacity : DefaultInitialCapacity; init => _initialCapacity = value; }

    /// <summary>The numbering of park reasons (default <see cref="ReasonTable.TraceBlockReason"/>, Go ≥1.22).</summary>
    public ReasonTable Reasons { get => _reasons ?? ReasonTable.TraceBlockReason; init => _reasons = value; }
}
