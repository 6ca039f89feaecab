"""The data community of practice: attendance and feedback records, and what they show
(`tracker`)."""
