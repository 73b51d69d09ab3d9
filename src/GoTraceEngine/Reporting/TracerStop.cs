namespace GoTraceEngine.Reporting;

/// <summary>
/// When the tracer was told to stop (<c># tracer stopped ts=N</c>, which <c>gotrace trace</c> writes into the trace
/// as it stops bpftrace), and the events stamped after it, which were not applied: a tracer detaching from a running
/// program removes its probes one by one over a few hundred milliseconds, so after the stop parks are still printed
/// while their readies no longer are.
/// </summary>
/// <param name="At">The stop's <c>ts=</c>, or null when the trace has no stop line.</param>
/// <param name="EventsAfter">Events stamped after it, counted and not applied.</param>
internal readonly record struct TracerStop(long? At, long EventsAfter);
