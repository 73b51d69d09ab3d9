namespace GoTraceEngine.Parsing;

/// <summary>What <see cref="LineClassifier.SplitRecord"/> found in a line that starts with a number.</summary>
internal enum RecordShape : byte
{
    /// <summary>No dtrace record: classify the line by its text.</summary>
    None = 0,

    /// <summary>The line's category is known (an aggregation row, a record or flow line without a payload).</summary>
    Classified,

    /// <summary>A record or flow line with a payload that may be an event line.</summary>
    Payload,
}
