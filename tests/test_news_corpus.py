import hashlib

import pytest

from training.news_corpus import (
    NewsCorpusError,
    article_key,
    iter_news_articles,
    load_news_index,
    resolve_news_corpus_path,
    story_groups,
)

from .news_fixtures import ARTICLES, RETOLD, write_news_corpus


@pytest.mark.parametrize("compress", [True, False])
def test_articles_and_keys_follow_the_block_format(tmp_path, compress):
    path = write_news_corpus(tmp_path, compress=compress)
    articles = list(iter_news_articles(path))
    assert [a.text for a in articles] == ARTICLES
    assert articles[0].key == hashlib.sha256(ARTICLES[0].encode("utf-8")).hexdigest()[:16] == article_key(ARTICLES[0])
    assert articles[1].title == "الحركة ترفض المقترح الجديد"
    assert load_news_index(path)[articles[2].key] == ARTICLES[2]


def test_a_missing_corpus_names_the_key_and_where_to_get_it(tmp_path):
    with pytest.raises(NewsCorpusError, match=r"news_corpus.*seeds/README\.md"):
        resolve_news_corpus_path(tmp_path / "absent.txt.gz")


def test_the_environment_variable_points_to_another_copy(tmp_path, monkeypatch):
    path = write_news_corpus(tmp_path)
    monkeypatch.setenv("SPEECH_ACTS_NEWS_CORPUS", str(path))
    assert resolve_news_corpus_path() == path


def test_the_same_story_from_two_outlets_is_one_group(tmp_path):
    articles = list(iter_news_articles(write_news_corpus(tmp_path, [*ARTICLES, RETOLD])))
    groups = story_groups(articles)
    first, second, third, retold = (groups[a.key] for a in articles)
    assert first == retold == min(articles[0].key, articles[3].key)
    assert len({first, second, third}) == 3
