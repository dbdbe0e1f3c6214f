namespace TextAttention.Data;

/// <summary>
/// A real corpus is not in the data folder and could not be downloaded (downloading switched off,
/// no network, or a download that failed its checks). The message says which files are needed,
/// where they go and where they come from; <see cref="Reason"/> is the short form without paths,
/// for summaries and committed notebook outputs.
/// </summary>
public sealed class CorpusUnavailableException(string message, string corpus, string folder, string reason, Exception? inner = null)
    : IOException(message, inner)
{
    /// <summary>The corpus's catalogue name, e.g. <c>agnews</c>.</summary>
    public string Corpus { get; } = corpus;

    /// <summary>Its folder inside the data folder, e.g. <c>agnews</c>.</summary>
    public string Folder { get; } = folder;

    /// <summary>Why it could not be had, without machine paths, e.g. "downloading is switched off".</summary>
    public string Reason { get; } = reason;
}
