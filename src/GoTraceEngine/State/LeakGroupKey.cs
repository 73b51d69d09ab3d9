namespace GoTraceEngine.State;

/// <summary>
/// What makes goroutines one leak group: the function they started in, the function that ran their <c>go</c>
/// statement, and the reason they block (by name, whatever numbering printed it). The one definition the report,
/// the verdict and the dashboard group by.
/// </summary>
/// <param name="StartFunction">The interned start function (0: unknown).</param>
/// <param name="Creator">The interned creator (0: unknown).</param>
/// <param name="Reason">The reason's <see cref="ReasonKeys"/> key.</param>
internal readonly record struct LeakGroupKey(int StartFunction, int Creator, byte Reason)
{
    /// <summary>The group of a blocked goroutine, from its live and blocked records.</summary>
    public static LeakGroupKey Of(in LiveValue live, in BlockedValue blocked) => new(live.StartFunction, live.Creator, blocked.Key);
}
