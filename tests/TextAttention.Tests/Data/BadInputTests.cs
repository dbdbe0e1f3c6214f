using TextAttention.IO;
using System.Text;
using TextAttention.Data;

namespace TextAttention.Tests.Data;

/// <summary>Each kind of bad input gets an error naming the file, the line and the problem, or a documented skip.</summary>
public sealed class BadInputTests
{
    private static readonly LabelSet AgNewsLabels = new(["World", "Sports", "Business", "Sci/Tech"], firstCode: 1);

    private static List<Example> ReadAgNews(string path, List<string>? warnings = null) =>
        LabelledFile.Read(path, LabelledFileLayout.AgNews, AgNewsLabels, m => warnings?.Add(m));

    private static DataFormatException Refused(string path) =>
        Assert.Throws<DataFormatException>(() => ReadAgNews(path));

    [Fact]
    public void A_well_formed_file_reads_with_doubled_quotes_and_escapes()
    {
        var path = Files.Write("\"3\",\"Fears for \"\"pension\"\"\",\"Unions say\"\n\"1\",\"b\",\"c\"\n");

        var examples = ReadAgNews(path);

        Assert.Equal([new Example("Fears for \"pension\" Unions say", 2), new Example("b c", 0)], examples);
    }

    [Fact]
    public void A_record_with_the_wrong_number_of_fields_is_named()
    {
        var path = Files.Write("\"1\",\"a\",\"b\"\n\"2\",\"only a title\"\n");

        var error = Refused(path);

        Assert.Equal(path, error.FilePath);
        Assert.Equal(2, error.Line);
        Assert.Contains("has 2 fields; expected 3", error.Problem);
    }

    [Fact]
    public void An_unterminated_quote_is_named()
    {
        var path = Files.Write("\"1\",\"a\",\"b\"\n\"2\",\"never closed,\"c\n\"3\",\"x\",\"y\"\n");

        var error = Refused(path);

        Assert.Equal(2, error.Line);
        Assert.Contains("quote", error.Problem);
    }

    [Fact]
    public void A_label_outside_the_known_set_is_named()
    {
        var path = Files.Write("\"1\",\"a\",\"b\"\n\"7\",\"a\",\"b\"\n");

        var error = Refused(path);

        Assert.Equal(2, error.Line);
        Assert.Contains("the label '7' is not one of 1–4", error.Problem);
        Assert.Contains("World, Sports, Business, Sci/Tech", error.Problem);
    }

    [Fact]
    public void Records_with_empty_text_are_skipped_and_counted()
    {
        var path = Files.Write("\"1\",\"a\",\"b\"\n\"2\",\"\",\" \"\n\"3\",\"c\",\"d\"\n");
        var warnings = new List<string>();

        var examples = ReadAgNews(path, warnings);

        Assert.Equal(2, examples.Count);
        Assert.Equal($"{path}: skipped 1 record(s) with empty text (line 2)", Assert.Single(warnings));
    }

    [Fact]
    public void Invalid_utf8_is_named_with_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes("\"1\",\"a\",\"b\"\n\"2\",\"caf").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes("\",\"b\"\n")).ToArray();
        var path = Files.WriteBytes(bytes);

        var error = Refused(path);

        Assert.Equal(2, error.Line);
        Assert.Contains("not valid UTF-8", error.Problem);
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_ends_are_accepted()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("\"1\",\"a\",\"b\"\r\n\"2\",\"c\",\"d\"\r\n")).ToArray();

        var examples = ReadAgNews(Files.WriteBytes(bytes));

        Assert.Equal([new Example("a b", 0), new Example("c d", 1)], examples);
    }

    [Fact]
    public void Blank_lines_are_ignored()
    {
        var examples = ReadAgNews(Files.Write("\n\"1\",\"a\",\"b\"\n\n\n\"2\",\"c\",\"d\"\n\n"));

        Assert.Equal(2, examples.Count);
    }

    [Fact]
    public void A_ten_megabyte_line_is_refused()
    {
        var path = Files.Write("\"1\",\"a\",\"b\"\n\"2\",\"" + new string('x', 10 * 1024 * 1024) + "\",\"b\"\n");

        var error = Refused(path);

        Assert.Equal(2, error.Line);
        Assert.Contains("more than the limit of 1,000,000", error.Problem);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        var error = Refused(Files.Write(""));

        Assert.Equal(0, error.Line);
        Assert.Equal("the file is empty", error.Problem);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(Files.Folder(), "absent.csv");

        var error = Refused(path);

        Assert.Equal($"{path}: no such file", error.Message);
    }

    [Fact]
    public void A_tsv_line_without_its_tab_is_named()
    {
        var path = Files.Write("体验2D巅峰\t8\n没有标签的标题\n", "dev.txt");
        var labels = new LabelSet(Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray());

        var error = Assert.Throws<DataFormatException>(() => LabelledFile.Read(path, LabelledFileLayout.ThucNews, labels, _ => { }));

        Assert.Equal(2, error.Line);
        Assert.Contains("has 1 fields; expected 2", error.Problem);
    }
}
