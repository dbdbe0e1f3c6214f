using TextAttention.IO;
using System.Globalization;
using Microsoft.VisualBasic.FileIO;

namespace TextAttention.Data;

/// <summary>How the records of a labelled CSV or TSV file are laid out.</summary>
/// <param name="Delimiter">',' for CSV, '\t' for TSV.</param>
/// <param name="Quoted">Whether fields may be enclosed in double quotes (doubled quotes inside).</param>
/// <param name="Header">Whether the first record names the columns.</param>
/// <param name="TextColumns">The columns joined with a space to form the text: names when there is a header, otherwise 1-based positions ("2").</param>
/// <param name="LabelColumn">The label's column, by name or 1-based position.</param>
/// <param name="Columns">The exact number of fields every record must have; null to take it from the first record.</param>
/// <param name="RationaleColumn">
/// The column, by name or position, holding the phrase of the text that a person marked as the reason for its label
/// (a rationale); null when the file has none.
/// </param>
public sealed record LabelledFileLayout(char Delimiter, bool Quoted, bool Header, IReadOnlyList<string> TextColumns, string LabelColumn, int? Columns = null,
    string? RationaleColumn = null)
{
    /// <summary>AG News: "label","title","description", no header.</summary>
    public static LabelledFileLayout AgNews { get; } = new(',', Quoted: true, Header: false, ["2", "3"], "1", Columns: 3);

    /// <summary>THUCNews headlines: text&lt;TAB&gt;label, no header, no quoting.</summary>
    public static LabelledFileLayout ThucNews { get; } = new('\t', Quoted: false, Header: false, ["1"], "2", Columns: 2);

    /// <summary>Tweet Sentiment Extraction: textID,text,selected_text,sentiment with a header; selected_text is the rationale.</summary>
    public static LabelledFileLayout Tweets { get; } = new(',', Quoted: true, Header: true, ["text"], "sentiment", Columns: 4, RationaleColumn: "selected_text");
}

/// <summary>One record of a labelled file: its text (text columns joined), its label as written, its line, and its rationale phrase when the layout has one.</summary>
public sealed record LabelledRecord(string Text, string Label, long Line, string? Rationale = null);

/// <summary>
/// Reads labelled examples from CSV or TSV files with .NET's own <see cref="TextFieldParser"/>.
/// Every problem names the file and line. Policy: blank lines are ignored; records whose text is
/// empty are skipped and counted in a warning; everything else that is wrong stops the load.
/// </summary>
public static class LabelledFile
{
    /// <summary>The longest quoted field accepted, in characters: a text longer than this is an unterminated quote, not a text.</summary>
    public const int MaxQuotedField = 100_000;

    /// <summary>The raw records of a file, validated for shape.</summary>
    public static IReadOnlyList<LabelledRecord> ReadRecords(string path, LabelledFileLayout layout, Func<string, string>? cleanText = null)
    {
        var content = TextFile.ReadAllText(path);
        if (layout.Quoted)
        {
            CheckQuotedFields(content, path, layout.Delimiter);
        }

        using var parser = new TextFieldParser(new StringReader(content))
        {
            TextFieldType = FieldType.Delimited,
            HasFieldsEnclosedInQuotes = layout.Quoted,
            TrimWhiteSpace = false,
        };
        parser.SetDelimiters(layout.Delimiter.ToString());

        var records = new List<LabelledRecord>();
        int[]? textIndices = null;
        var labelIndex = -1;
        var rationaleIndex = -1;
        var expected = layout.Columns;
        string[]? header = null;
        while (true)
        {
            var line = parser.LineNumber;
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException e)
            {
                throw new DataFormatException(path, e.LineNumber, "the record cannot be parsed: an unterminated or misplaced quote");
            }

            if (fields is null)
            {
                break;
            }

            expected ??= fields.Length;
            if (fields.Length != expected)
            {
                var names = header is null ? "" : $" ({string.Join(", ", header)})";
                throw new DataFormatException(path, line, $"the record has {fields.Length} fields; expected {expected}{names}");
            }

            if (layout.Header && header is null)
            {
                header = fields;
                textIndices = layout.TextColumns.Select(c => ColumnIndex(c, header, path)).ToArray();
                labelIndex = ColumnIndex(layout.LabelColumn, header, path);
                rationaleIndex = layout.RationaleColumn is { } column ? ColumnIndex(column, header, path) : -1;
                continue;
            }

            textIndices ??= layout.TextColumns.Select(c => ColumnIndex(c, null, path, fields.Length)).ToArray();
            if (labelIndex < 0)
            {
                labelIndex = ColumnIndex(layout.LabelColumn, null, path, fields.Length);
                rationaleIndex = layout.RationaleColumn is { } column ? ColumnIndex(column, null, path, fields.Length) : -1;
            }

            var text = string.Join(" ", textIndices.Select(i => fields[i].Trim()).Where(t => t.Length > 0));
            records.Add(new LabelledRecord(cleanText is null ? text : cleanText(text), fields[labelIndex], line, rationaleIndex < 0 ? null : fields[rationaleIndex].Trim()));
        }

        return records;
    }

    /// <summary>
    /// Examples with resolved labels. Records with empty text are skipped and reported through
    /// <paramref name="warn"/> with their count and first line numbers. When the layout has a rationale column, each
    /// phrase becomes the example's <see cref="Example.Evidence"/> through <paramref name="tokenizer"/>
    /// (<see cref="Rationales.Align"/>); phrases that cannot be aligned leave the evidence unset and are reported.
    /// </summary>
    /// <exception cref="ArgumentException">The layout has a rationale column but no tokenizer was given.</exception>
    public static List<Example> Read(string path, LabelledFileLayout layout, LabelSet labels, Action<string> warn, Func<string, string>? cleanText = null,
        Text.ITokenizer? tokenizer = null)
    {
        if (layout.RationaleColumn is not null && tokenizer is null)
        {
            throw new ArgumentException("a layout with a rationale column needs the tokenizer that turns each phrase into token positions.", nameof(tokenizer));
        }

        var examples = new List<Example>();
        var emptyLines = new List<long>();
        var unaligned = new Dictionary<RationaleProblem, List<long>>();
        foreach (var record in ReadRecords(path, layout, cleanText))
        {
            var index = labels.Resolve(record.Label, path, record.Line);
            if (string.IsNullOrWhiteSpace(record.Text))
            {
                emptyLines.Add(record.Line);
                continue;
            }

            IReadOnlyList<int>? evidence = null;
            if (record.Rationale is { } phrase)
            {
                var alignment = Rationales.Align(record.Text, phrase, tokenizer!);
                evidence = alignment.Positions;
                if (alignment.Problem is { } problem)
                {
                    (unaligned.TryGetValue(problem, out var lines) ? lines : unaligned[problem] = []).Add(record.Line);
                }
            }

            examples.Add(new Example(record.Text, index, evidence));
        }

        if (emptyLines.Count > 0)
        {
            warn($"{path}: skipped {emptyLines.Count} record(s) with empty text ({Lines(emptyLines)})");
        }

        foreach (var (problem, lines) in unaligned.OrderBy(u => u.Key))
        {
            warn($"{path}: {lines.Count} rationale(s) left unset: {Rationales.Describe(problem)} ({Lines(lines)})");
        }

        if (examples.Count == 0)
        {
            throw new DataFormatException(path, 0, "no record has any text");
        }

        return examples;
    }

    /// <summary>
    /// One linear pass before parsing: a quoted field that runs for more than <see cref="MaxQuotedField"/> characters
    /// stops the load at the line where it opened, before the parser would spend minutes and gigabytes on it.
    /// </summary>
    private static void CheckQuotedFields(string content, string path, char delimiter)
    {
        long line = 1, openedAt = 0;
        var inQuote = false;
        var fieldStart = true;
        var length = 0;
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (inQuote)
            {
                if (c == '"')
                {
                    if (i + 1 < content.Length && content[i + 1] == '"')
                    {
                        i++;
                    }
                    else
                    {
                        inQuote = false;
                    }
                }
                else if (++length > MaxQuotedField)
                {
                    throw new DataFormatException(path, openedAt, $"a quoted field runs for more than {MaxQuotedField.ToString("N0", CultureInfo.InvariantCulture)} characters from here; is a closing quote missing?");
                }
            }
            else if (c == '"' && fieldStart)
            {
                (inQuote, openedAt, length) = (true, line, 0);
            }

            if (c == '\n')
            {
                line++;
            }

            fieldStart = !inQuote && (c == delimiter || c == '\n' || (fieldStart && c is ' ' or '\r'));
        }
    }

    private static string Lines(List<long> lines) =>
        $"line{(lines.Count > 1 ? "s" : "")} {string.Join(", ", lines.Take(5))}{(lines.Count > 5 ? ", ..." : "")}";

    private static int ColumnIndex(string column, string[]? header, string path, int fieldCount = int.MaxValue)
    {
        if (header is not null)
        {
            var index = Array.FindIndex(header, h => string.Equals(h.Trim(), column, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return index;
            }

            throw new DataFormatException(path, 1, $"no column named '{column}'; the header has {string.Join(", ", header)}");
        }

        if (int.TryParse(column, NumberStyles.Integer, CultureInfo.InvariantCulture, out var position) && position >= 1 && position <= fieldCount)
        {
            return position - 1;
        }

        throw new DataFormatException(path, 1, $"column '{column}' must be a position from 1 to {fieldCount} when the file has no header");
    }
}
