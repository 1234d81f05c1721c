// driftless — statement_list: SQL statements read in place, from strings or from views.
#ifndef DRIFTLESS_STATEMENT_LIST_HPP
#define DRIFTLESS_STATEMENT_LIST_HPP

#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace driftless {

/// A read-only list of SQL statements borrowed from a vector of strings (a rendered plan) or of
/// views (a migration file's statements, read in place in its text, so that a large file is not
/// held twice). What the runner and the engines read statements through; it lives no longer than
/// the call it is passed to.
class statement_list {
public:
    statement_list() noexcept = default;  ///< none
    statement_list(const std::vector<std::string>& strings) noexcept  // NOLINT: implicit, as a view
        : strings_(strings.data()), size_(strings.size()) {}
    statement_list(const std::vector<std::string_view>& views) noexcept  // NOLINT
        : views_(views.data()), size_(views.size()) {}

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] std::string_view operator[](std::size_t i) const noexcept {
        return strings_ != nullptr ? std::string_view(strings_[i]) : views_[i];
    }
    /// The statements from `i` on (none when `i` is past the end).
    [[nodiscard]] statement_list from(std::size_t i) const noexcept {
        statement_list out = *this;
        const std::size_t skip = i < size_ ? i : size_;
        if (strings_ != nullptr) out.strings_ += skip;
        if (views_ != nullptr) out.views_ += skip;
        out.size_ -= skip;
        return out;
    }
    /// Copies, for an API that returns the statements.
    [[nodiscard]] std::vector<std::string> strings() const {
        std::vector<std::string> out;
        out.reserve(size_);
        for (std::size_t i = 0; i < size_; ++i) out.emplace_back((*this)[i]);
        return out;
    }

    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = std::string_view;
        iterator() = default;
        iterator(const statement_list* list, std::size_t i) noexcept : list_(list), i_(i) {}
        std::string_view operator*() const noexcept { return (*list_)[i_]; }
        iterator& operator++() noexcept {
            ++i_;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator old = *this;
            ++i_;
            return old;
        }
        friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.i_ == b.i_; }

    private:
        const statement_list* list_ = nullptr;
        std::size_t i_ = 0;
    };
    [[nodiscard]] iterator begin() const noexcept { return {this, 0}; }
    [[nodiscard]] iterator end() const noexcept { return {this, size_}; }

private:
    const std::string* strings_ = nullptr;
    const std::string_view* views_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace driftless

#endif  // DRIFTLESS_STATEMENT_LIST_HPP
