namespace TextAttention.IO;

/// <summary>
/// Bad input in a data file: says which file, which line (1-based; 0 when the problem is the whole
/// file) and what is wrong, in one line a user can act on.
/// </summary>
public sealed class DataFormatException(string path, long line, string problem)
    : Exception(line > 0 ? $"{path}:{line}: {problem}" : $"{path}: {problem}")
{
    public string FilePath { get; } = path;

    public long Line { get; } = line;

    public string Problem { get; } = problem;
}
