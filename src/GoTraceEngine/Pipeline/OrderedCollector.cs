using System.Runtime.CompilerServices;
using GoTraceEngine.Parsing;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Pipeline;

/// <summary>
/// The orderer's applier in a chunk's order turn (<see cref="ChunkPipeline"/>): what the orderer releases goes, in its
/// order, into an <see cref="ParsedBatch"/> that the chunk's apply turn hands to the tables, with a late event marked
/// for judging there and the orderer's diagnostics at their place among the events. So the ordering of one chunk and the
/// tables' work on the chunk before it run on two cores at once, and what reaches the tables, in what order, is what
/// the orderer applying directly gives.
/// </summary>
internal readonly struct OrderedCollector(ParsedBatch output) : IEventApplier
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(in TraceEvent e)
    {
        output.NextEvent = e;
        output.CommitEvent();
        if (output.IsOutOfRoom)
        {
            output.Grow();
        }
    }

    public void ApplyLate(in TraceEvent e)
    {
        Note(RecordAction.LateEvent, default, e.LineNumber, null);
        Apply(in e);
    }

    public void Diagnose(DiagnosticKind kind, long lineNumber, string message) => Note(RecordAction.Diagnostic, kind, lineNumber, message);

    private void Note(RecordAction action, DiagnosticKind kind, long lineNumber, string? message)
    {
        output.AddNote(action, kind, lineNumber, message);
        if (output.IsOutOfRoom)
        {
            output.Grow();
        }
    }
}
