namespace GoTraceEngine.Pipeline;

/// <summary>
/// What <see cref="LineFramer"/> hands each line to. Implement it on a <see langword="struct"/>: the framer is generic
/// over it, so every call is direct and can be inlined (Kestrel's <c>HttpParser&lt;TRequestHandler&gt;</c> shape).
/// </summary>
internal interface ILineHandler
{
    /// <summary>One complete line, without its <c>\n</c>; the span is valid only during the call.</summary>
    void OnLine(ReadOnlySpan<byte> line);

    /// <summary>A line longer than the framer's maximum: its bytes were never buffered, only counted.</summary>
    void OnTooLong(long length);
}
