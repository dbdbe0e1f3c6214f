using TextAttention.IO;
using TextAttention.Data;
using TextAttention.Text;

namespace TextAttention.Tests.Text;

public sealed class VocabularyTests
{
    private static readonly string[][] Training = [["b", "a", "b"], ["c", "a", "b"]];   // b: 3, a: 2, c: 1

    [Fact]
    public void Ids_follow_frequency_after_pad_and_unk()
    {
        var vocabulary = Vocabulary.Build(Training);

        Assert.Equal(["<pad>", "<unk>", "b", "a", "c"], vocabulary.Tokens);
        Assert.Equal([2L, 3L, 1L], vocabulary.Encode(["b", "a", "never-seen"]));
    }

    [Fact]
    public void Ties_are_broken_in_ordinal_order_whatever_the_input_order()
    {
        Assert.Equal(["<pad>", "<unk>", "x", "y"], Vocabulary.Build([["y", "x"]]).Tokens);
        Assert.Equal(["<pad>", "<unk>", "x", "y"], Vocabulary.Build([["x", "y"]]).Tokens);
    }

    [Fact]
    public void Minimum_frequency_and_maximum_size_drop_the_rarest_tokens()
    {
        Assert.Equal(["<pad>", "<unk>", "b", "a"], Vocabulary.Build(Training, minFrequency: 2).Tokens);
        Assert.Equal(["<pad>", "<unk>", "b"], Vocabulary.Build(Training, maxSize: 3).Tokens);
    }

    [Fact]
    public void The_out_of_vocabulary_rate_counts_unknown_tokens()
    {
        var vocabulary = Vocabulary.Build(Training);

        Assert.Equal(0.25, vocabulary.OutOfVocabularyRate([["a", "z"], ["b", "c"]]));
    }

    [Fact]
    public void A_saved_vocabulary_loads_back_with_the_same_ids()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-vocab-").FullName, "vocab.txt");
        var vocabulary = Vocabulary.Build(Training);

        vocabulary.Save(path);
        var loaded = Vocabulary.Load(path);

        Assert.Equal(vocabulary.Tokens, loaded.Tokens);
    }

    [Theory]
    [InlineData("<unk>\n<pad>\na\n", 1, "starts with <pad> and <unk>")]
    [InlineData("<pad>\n<unk>\na\nb\na\n", 5, "the token 'a' appears twice")]
    [InlineData("<pad>\n<unk>\na b\n", 3, "empty or contains white space")]
    public void A_damaged_vocabulary_file_is_refused_with_its_line(string content, int line, string problem)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-vocab-").FullName, "vocab.txt");
        File.WriteAllText(path, content);

        var error = Assert.Throws<DataFormatException>(() => Vocabulary.Load(path));

        Assert.Equal(line, error.Line);
        Assert.Contains(problem, error.Problem);
    }
}
