// HTML text escaping shared by the operator page and the reports: what the network or a results
// file says cannot open a tag or end a quoted attribute.
#include <gtest/gtest.h>

#include "central/html_text.hpp"

TEST(HtmlText, EscapesTheFiveCharactersThatEndTextOrAnAttribute) {
    EXPECT_EQ(central::html_text("a<script>alert('x')</script>&\"b\""),
              "a&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;b&quot;");
    EXPECT_EQ(central::html_text("PEC 6001 – Talas"), "PEC 6001 – Talas");  // other text, UTF-8 included, unchanged
    EXPECT_EQ(central::html_text(""), "");
}
