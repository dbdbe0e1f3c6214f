using System.Globalization;
using TextAttention.Text;

namespace TextAttention.Tests.Text;

public sealed class TokenizerTests
{
    [Fact]
    public void English_words_are_lower_cased_with_punctuation_split_off()
    {
        var tokens = Tokenizers.Create("english-words").Tokenize("Don't panic: 3.5% of U.S. stocks fell!");

        Assert.Equal(["don't", "panic", ":", "3.5", "%", "of", "u", ".", "s", ".", "stocks", "fell", "!"], tokens);
    }

    [Fact]
    public void Chinese_characters_are_tokens_and_latin_runs_stay_whole()
    {
        var tokenizer = Tokenizers.Create("chinese-chars");

        Assert.Equal(["同", "步", "a", "股", "首", "秀", "：", "港", "股"], tokenizer.Tokenize("同步A股首秀：港股"));
        Assert.Equal(["iphone", "15", "发", "布"], tokenizer.Tokenize("iPhone 15发布"));
    }

    [Fact]
    public void Chinese_words_come_from_jieba()
    {
        // jieba's own documented example of precise mode.
        var tokens = Tokenizers.Create("chinese-words").Tokenize("我来到北京清华大学");

        Assert.Equal(["我", "来到", "北京", "清华大学"], tokens);
    }

    // Emoji (outside the Basic Multilingual Plane, one with a skin-tone modifier), a rare CJK character (U+2000B) and
    // an e with a combining acute accent (U+0301): each must come out whole, never cut between its UTF-16 units.
    [Theory]
    [InlineData("english-words")]
    [InlineData("chinese-chars")]
    [InlineData("chinese-words")]
    public void No_tokenizer_cuts_a_character_apart(string name)
    {
        const string text = "cafe\u0301 😀😀 👍🏽 漢字𠀋";
        var elements = new HashSet<int>(StringInfo.ParseCombiningCharacters(text)) { text.Length };

        var spans = Tokenizers.Create(name).Spans(text);

        Assert.NotEmpty(spans);
        Assert.All(spans, s =>
        {
            Assert.Contains(s.Start, elements);
            Assert.Contains(s.Start + s.Length, elements);
            Assert.Equal(text.Substring(s.Start, s.Length).ToLowerInvariant(), s.Token);
        });
        var tokens = spans.Select(s => s.Token).ToList();
        Assert.Contains(tokens, t => t.Contains("e\u0301", StringComparison.Ordinal));
        Assert.Contains(tokens, t => t.Contains("👍🏽", StringComparison.Ordinal));
        Assert.Contains(tokens, t => t.Contains("𠀋", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_tokenizer_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => Tokenizers.Create("whitespace"));

        Assert.Contains("english-words, chinese-chars, chinese-words", error.Message);
    }
}
