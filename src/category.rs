//! The fixed vocabulary of noise categories.
//!
//! Rules, reports, `--disable` and the evaluation kit all speak these names. The set is closed on
//! purpose: a new name is added only for noise that none of these covers, so that numbers stay
//! comparable across versions and rule files.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! categories {
    ($($variant:ident => $name:literal : $doc:literal,)*) => {
        /// A kind of page residue. Serialised as its snake_case name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Category {
            $(#[doc = $doc] $variant,)*
        }

        impl Category {
            /// Every category, in a stable order.
            pub const ALL: &'static [Category] = &[$(Category::$variant,)*];

            /// The snake_case name used in rule files and reports.
            pub fn name(self) -> &'static str {
                match self { $(Category::$variant => $name,)* }
            }

            /// One line saying what the category covers.
            pub fn describe(self) -> &'static str {
                match self { $(Category::$variant => $doc,)* }
            }
        }

        impl FromStr for Category {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($name => Ok(Category::$variant),)*
                    _ => Err(format!(
                        "unknown category `{s}` (expected one of: {})",
                        [$($name),*].join(", ")
                    )),
                }
            }
        }
    };
}

categories! {
    Caption => "caption": "Photo captions and image or agency credits.",
    ForeignWidgetToken => "foreign_widget_token": "UI-widget labels in another script dropped into a sentence.",
    CommentForm => "comment_form": "Comment-form prompts, labels and buttons.",
    CommentThread => "comment_thread": "Comment counters and comment-thread chrome.",
    ShareBar => "share_bar": "Share bars, social buttons and social counters.",
    CookieNotice => "cookie_notice": "Cookie and consent notices.",
    Newsletter => "newsletter": "Newsletter, subscription and app-download prompts.",
    Advertisement => "advertisement": "Advertisement labels and sponsored-content markers.",
    RelatedLinks => "related_links": "Related, recommended or 'see also' link lists.",
    ReadMore => "read_more": "Read-more and continue-reading links.",
    CopyrightFooter => "copyright_footer": "Copyright lines and footer links.",
    Timestamp => "timestamp": "Publication and update time stamps of the page chrome.",
    Navigation => "navigation": "Menus, breadcrumbs and navigation link lists.",
    InvalidUtf8 => "invalid_utf8": "Byte sequences that are not valid UTF-8 (only with --lossy).",
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &c in Category::ALL {
            assert_eq!(c.name().parse::<Category>(), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.name()));
        }
        assert!("captions".parse::<Category>().is_err());
    }
}
