//! Tag listing with `Link` paging.

use super::error::RegistryError;
use super::session::Call;
use super::RegistryClient;
use crate::auth::repository_scope;
use crate::http::{Method, Transport};
use crate::tags as tag_rules;

/// Pages followed at most (the distribution default page holds 100 tags or more).
const MAX_PAGES: usize = 1000;
/// Tags kept at most.
const MAX_TAGS: usize = 100_000;

impl<T: Transport> RegistryClient<T> {
    /// Every tag of `repository`, in the registry's order, following `Link: <..>; rel="next"`.
    pub async fn list_tags(&self, repository: &str) -> Result<Vec<String>, RegistryError> {
        let scope = repository_scope(repository, false);
        let mut url = self.url(&format!("/v2/{repository}/tags/list"));
        let mut tags = Vec::new();
        for _ in 0..MAX_PAGES {
            let mut call = Call::new(Method::Get, url.clone());
            call.scope = Some(&scope);
            call.max_response_bytes = 8 << 20;
            let response = self.session.send(call).await?;
            if response.status != 200 {
                return Err(self.status_error(Method::Get, &url, &response, repository));
            }
            let page = tag_rules::parse_tag_list(&response.body).map_err(|e| RegistryError::Protocol(e.to_string()))?;
            tags.extend(page);
            if tags.len() > MAX_TAGS {
                return Err(RegistryError::TooLarge {
                    what: format!("tag list of {repository}"),
                    size: tags.len() as u64,
                    limit: MAX_TAGS as u64,
                });
            }
            let next = response.header("link").map(|link| tag_rules::next_page_url(link, &url.to_string()));
            match next {
                Some(Ok(Some(next))) => {
                    url = crate::url::Url::parse(&next).map_err(|e| RegistryError::Protocol(e.to_string()))?;
                    if !self.session.at_registry(&url) {
                        return Err(RegistryError::Protocol(format!("tag list paging left the registry: {url}")));
                    }
                }
                Some(Err(e)) => return Err(RegistryError::Protocol(e.to_string())),
                _ => return Ok(tags),
            }
        }
        Err(RegistryError::Protocol(format!("tag list of {repository} has more than {MAX_PAGES} pages")))
    }
}
