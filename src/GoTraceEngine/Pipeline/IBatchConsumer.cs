namespace GoTraceEngine.Pipeline;

/// <summary>What the applying thread of a <see cref="BatchChannel"/> hands each batch to.</summary>
internal interface IBatchConsumer
{
    /// <summary>Applies every line of <paramref name="batch"/>, in order; the batch is recycled after the call.</summary>
    void Apply(ParsedBatch batch);
}
