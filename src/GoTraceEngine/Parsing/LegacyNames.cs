// The engine (TraceEngine{TSink}.cs, ProcessLine) still calls the parser's entry by its old name; it is being
// restructured on another branch, which renames that one call site to TraceLineParser. Delete this file with it.
global using DTraceLineParser = GoTraceEngine.Parsing.TraceLineParser;
