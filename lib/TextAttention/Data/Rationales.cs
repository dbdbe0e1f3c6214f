using TextAttention.Text;

namespace TextAttention.Data;

/// <summary>Why a marked phrase could not be turned into token positions.</summary>
public enum RationaleProblem
{
    /// <summary>The phrase is empty or white space.</summary>
    Empty,

    /// <summary>The phrase does not occur in the text.</summary>
    NotFound,

    /// <summary>The phrase occurs more than once, so which occurrence was meant is unknown.</summary>
    Ambiguous,

    /// <summary>The phrase covers no token (only white space between tokens).</summary>
    NoToken,
}

/// <summary>A phrase's token positions, or why there are none.</summary>
public sealed record RationaleAlignment(IReadOnlyList<int>? Positions, RationaleProblem? Problem);

/// <summary>
/// Human rationales (a phrase of the text that a person marked as the reason for its label, as in the Tweet Sentiment
/// Extraction corpus or ERASER's datasets) turned into the token positions that models and attributions index.
/// </summary>
public static class Rationales
{
    /// <summary>
    /// The positions of the tokens of <paramref name="text"/> (as <paramref name="tokenizer"/> splits it) that overlap
    /// the one occurrence of <paramref name="phrase"/> in it. A phrase that cuts a word counts the whole word; a phrase
    /// that is empty, absent, found more than once or covers no token has no positions, and the problem says why: it is
    /// reported, never guessed.
    /// </summary>
    public static RationaleAlignment Align(string text, string phrase, ITokenizer tokenizer)
    {
        var marked = phrase.Trim();
        if (marked.Length == 0)
        {
            return new RationaleAlignment(null, RationaleProblem.Empty);
        }

        var start = text.IndexOf(marked, StringComparison.Ordinal);
        if (start < 0)
        {
            return new RationaleAlignment(null, RationaleProblem.NotFound);
        }

        if (text.IndexOf(marked, start + 1, StringComparison.Ordinal) >= 0)
        {
            return new RationaleAlignment(null, RationaleProblem.Ambiguous);
        }

        var end = start + marked.Length;
        var positions = tokenizer.Spans(text).Select((span, i) => (span, i)).Where(t => t.span.Start < end && t.span.End > start).Select(t => t.i).ToArray();
        return positions.Length == 0 ? new RationaleAlignment(null, RationaleProblem.NoToken) : new RationaleAlignment(positions, null);
    }

    /// <summary>The problem in words, for a report.</summary>
    public static string Describe(RationaleProblem problem) => problem switch
    {
        RationaleProblem.Empty => "the marked phrase is empty",
        RationaleProblem.NotFound => "the marked phrase does not occur in the text",
        RationaleProblem.Ambiguous => "the marked phrase occurs more than once in the text",
        _ => "the marked phrase covers no token",
    };
}
